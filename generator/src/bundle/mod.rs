//! Stage 1b, bundle: `$ref`s to other files (`./schemas/Pet.yaml`,
//! `common.yaml#/components/schemas/Error`, a URL) are brought into the one document, so
//! every later stage sees local references only.
//!
//! A referenced object gets a home of its kind (a schema goes to `components/schemas` or
//! Swagger 2.0's `definitions`, a parameter to `…/parameters`, and so on), named after its
//! place in the other file or the file's name, and the `$ref` is rewritten to point there;
//! every file is read and parsed once, and every target placed once however often it is
//! referenced. Objects with no component home in OpenAPI 3.0 (path items, operations) are
//! copied in where they are referenced. A main-document component that is just a `$ref` to
//! another file (`User: {$ref: User.yaml}`) receives that file's content under its own name.
//! `$ref`s inside the other files are resolved against those files; `$ref`s inside example
//! values and extensions are data and never followed.
//!
//! The library reads no files itself: the caller passes a [`ReferenceSource`].

pub(crate) mod kinds;
mod resolve;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt;
use std::io;

use serde_json::{Map, Value};

use crate::error::{Error, Location, Result, pointer_push, push_token};
use kinds::{Kind, Shape, Version};
use resolve::Target;

/// Reads the files that `$ref`s name. `name` is the reference resolved against the
/// referring file, spelled like the main document's name (a path or a URL).
pub trait ReferenceSource: fmt::Debug {
    /// The file's bytes.
    fn read(&self, name: &str) -> io::Result<Vec<u8>>;
}

/// A source with no files: any `$ref` to another file is an error that says so.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoReferences;

impl ReferenceSource for NoReferences {
    fn read(&self, _name: &str) -> io::Result<Vec<u8>> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "this generation was given one document and no way to read others",
        ))
    }
}

/// Files held in memory, by name (tests, and callers that fetched the files themselves).
impl ReferenceSource for BTreeMap<String, Vec<u8>> {
    fn read(&self, name: &str) -> io::Result<Vec<u8>> {
        self.get(name)
            .or_else(|| self.get(&resolve::normalize(name)))
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }
}

/// How deep copied-in references may nest (a path item in a file that is itself copied
/// in, …) before the chain is called broken.
const MAX_COPY_DEPTH: usize = 64;

/// Brings every `$ref` to another file into `doc` (named `name`); returns notes for the
/// report. A document with no such references is left untouched.
pub fn bundle(doc: &mut Value, name: &str, source: &dyn ReferenceSource) -> Result<Vec<String>> {
    let version = if doc.get("swagger").is_some() {
        Version::Swagger2
    } else {
        Version::OpenApi3
    };
    let mut bundler = Bundler {
        source,
        main: resolve::normalize(name),
        main_display: name.to_owned(),
        version,
        files: HashMap::new(),
        read_order: Vec::new(),
        placed: HashMap::new(),
        taken: HashMap::new(),
        queue: VecDeque::new(),
        copying: Vec::new(),
        references: 0,
    };
    bundler.claim_existing_names(doc);
    bundler.claim_slots(doc)?;
    let main = bundler.main.clone();
    bundler.visit(doc, Kind::Root, &main, &mut String::new())?;
    let placed = bundler.drain_queue()?;
    if bundler.references == 0 {
        return Ok(Vec::new());
    }
    for (dest, content) in placed {
        match dest {
            Dest::New { home, name } => insert_at(doc, home, name, content, &bundler.main_display)?,
            Dest::Slot { pointer, siblings } => {
                if let Some(slot) = doc.pointer_mut(&pointer) {
                    *slot = with_siblings(content, siblings);
                }
            }
        }
    }
    Ok(vec![bundler.summary()])
}

/// Where a placed target goes in the main document.
#[derive(Debug)]
enum Dest {
    /// A new entry `name` in the map at `home`.
    New { home: &'static str, name: String },
    /// An existing component that was a bare reference, keeping its other keys.
    Slot {
        pointer: String,
        siblings: Map<String, Value>,
    },
}

/// A target to copy into the main document once the walk is done.
#[derive(Debug)]
struct Job {
    target: Target,
    kind: Kind,
    dest: Dest,
    /// Where the first reference to it was written.
    site: Location,
}

struct Bundler<'a> {
    source: &'a dyn ReferenceSource,
    /// The main document's name, normalized.
    main: String,
    /// The main document's name as given.
    main_display: String,
    version: Version,
    /// Parsed files by normalized name.
    files: HashMap<String, Value>,
    /// File names in the order they were first read (for the report).
    read_order: Vec<String>,
    /// Target → the local `$ref` that now stands for it.
    placed: HashMap<Target, String>,
    /// Names in use per home (existing entries and placed ones).
    taken: HashMap<&'static str, HashSet<String>>,
    queue: VecDeque<Job>,
    /// Targets being copied in, innermost last (cycle detection).
    copying: Vec<Target>,
    /// `$ref`s to other files seen.
    references: usize,
}

impl Bundler<'_> {
    /// Records the names the main document already uses in every home.
    fn claim_existing_names(&mut self, doc: &Value) {
        for kind in ALL_KINDS {
            if let Some(home) = kinds::home(kind, self.version) {
                let names = self.taken.entry(home).or_default();
                if let Some(map) = doc.pointer(home).and_then(Value::as_object) {
                    names.extend(map.keys().cloned());
                }
            }
        }
    }

    /// Main-document components that are a bare `$ref` to another file take that file's
    /// content under their own name.
    fn claim_slots(&mut self, doc: &mut Value) -> Result<()> {
        for kind in ALL_KINDS {
            let Some(home) = kinds::home(kind, self.version) else {
                continue;
            };
            let Some(map) = doc.pointer_mut(home).and_then(Value::as_object_mut) else {
                continue;
            };
            for (name, value) in map.iter_mut() {
                let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                    continue;
                };
                let pointer = pointer_push(home, name);
                let site = Location::new(&self.main_display, pointer_push(&pointer, "$ref"));
                let target = resolve::target(&self.main, reference)
                    .map_err(|m| bad_ref(&site, reference, &m))?;
                if target.file == self.main {
                    continue;
                }
                self.references += 1;
                let local = format!("#{pointer}");
                if let Some(existing) = self.placed.get(&target) {
                    // A second alias of the same file: point at the first.
                    *value = ref_to(existing);
                    continue;
                }
                let Value::Object(mut siblings) = std::mem::take(value) else {
                    unreachable!("a value with a `$ref` key is an object")
                };
                siblings.remove("$ref");
                self.placed.insert(target.clone(), local);
                self.queue.push_back(Job {
                    target,
                    kind,
                    dest: Dest::Slot { pointer, siblings },
                    site,
                });
            }
        }
        Ok(())
    }

    /// Walks `value`, an object of `kind` in file `base` at `pointer`.
    /// `pointer` is where `value` is; it is extended and restored in place (one buffer
    /// per walk; left as it is on an error, which ends the walk).
    fn visit(
        &mut self,
        value: &mut Value,
        kind: Kind,
        base: &str,
        pointer: &mut String,
    ) -> Result<()> {
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    let reference = reference.to_owned();
                    if self.reference(map, &reference, kind, base, pointer)? {
                        return Ok(());
                    }
                }
                if kind == Kind::Schema {
                    self.discriminator(map, base, pointer)?;
                }
                for (key, child) in map.iter_mut() {
                    if key == "$ref" {
                        continue;
                    }
                    if let Some(shape) = kinds::child(kind, key, self.version) {
                        let len = pointer.len();
                        push_token(pointer, key);
                        self.visit_shape(child, shape, base, pointer)?;
                        pointer.truncate(len);
                    }
                }
            }
            Value::Array(items) => {
                let len = pointer.len();
                for (i, item) in items.iter_mut().enumerate() {
                    push_token(pointer, &i.to_string());
                    self.visit(item, kind, base, pointer)?;
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn visit_shape(
        &mut self,
        value: &mut Value,
        shape: Shape,
        base: &str,
        pointer: &mut String,
    ) -> Result<()> {
        match (shape, value) {
            (Shape::One(kind), value) => self.visit(value, kind, base, pointer),
            (Shape::Map(kind), Value::Object(map)) => {
                let len = pointer.len();
                for (key, child) in map.iter_mut() {
                    push_token(pointer, key);
                    self.visit(child, kind, base, pointer)?;
                    pointer.truncate(len);
                }
                Ok(())
            }
            (Shape::List(kind), value @ Value::Array(_)) => self.visit(value, kind, base, pointer),
            // A wrong shape is for later stages to report; nothing to follow here.
            _ => Ok(()),
        }
    }

    /// Handles the `$ref` of `map` (an object of `kind` in `base` at `pointer`). Returns
    /// whether the object was replaced by a copy (so its children were already walked).
    fn reference(
        &mut self,
        map: &mut Map<String, Value>,
        reference: &str,
        kind: Kind,
        base: &str,
        pointer: &str,
    ) -> Result<bool> {
        let site = Location::new(self.display(base), pointer_push(pointer, "$ref"));
        let target = resolve::target(base, reference).map_err(|m| bad_ref(&site, reference, &m))?;
        if target.file == self.main {
            if base != self.main {
                // `../openapi.yaml#/components/schemas/X` from another file.
                map.insert("$ref".into(), Value::String(local_ref(&target.pointer)));
            }
            return Ok(false);
        }
        self.references += 1;
        if let Some(local) = self.placed.get(&target) {
            map.insert("$ref".into(), Value::String(local.clone()));
            return Ok(false);
        }
        if let Some(home) = kinds::home(kind, self.version) {
            let name = self.name_for(&target, home);
            let local = format!("#{}", pointer_push(home, &name));
            self.placed.insert(target.clone(), local.clone());
            self.queue.push_back(Job {
                target,
                kind,
                dest: Dest::New { home, name },
                site,
            });
            map.insert("$ref".into(), Value::String(local));
            return Ok(false);
        }
        self.copy_in(map, target, kind, &site)?;
        Ok(true)
    }

    /// Replaces `map` (a `$ref` to `target`) by a walked copy of the target, keeping the
    /// referring object's other keys where the target has none of its own.
    fn copy_in(
        &mut self,
        map: &mut Map<String, Value>,
        target: Target,
        kind: Kind,
        site: &Location,
    ) -> Result<()> {
        if self.copying.contains(&target) {
            return Err(Error::Invalid {
                location: site.clone(),
                message: format!(
                    "cyclic `$ref`: {}#{} refers back to itself through {} other file(s)",
                    target.file,
                    target.pointer,
                    self.copying.len() - 1
                ),
            });
        }
        if self.copying.len() >= MAX_COPY_DEPTH {
            return Err(Error::Invalid {
                location: site.clone(),
                message: format!("`$ref`s to other files nest more than {MAX_COPY_DEPTH} deep"),
            });
        }
        let mut content = self.fetch(&target, site)?.clone();
        self.copying.push(target.clone());
        let walked = self.visit(
            &mut content,
            kind,
            &target.file,
            &mut target.pointer.clone(),
        );
        self.copying.pop();
        walked?;
        let mut siblings = std::mem::take(map);
        siblings.remove("$ref");
        *map = match with_siblings(content, siblings) {
            Value::Object(m) => m,
            other => {
                return Err(Error::Invalid {
                    location: site.clone(),
                    message: format!(
                        "`$ref` to {}#{} is not an object (found {})",
                        target.file,
                        target.pointer,
                        crate::upgrade::kind_of(&other)
                    ),
                });
            }
        };
        Ok(())
    }

    /// `discriminator.mapping` values may name other files too.
    fn discriminator(
        &mut self,
        map: &mut Map<String, Value>,
        base: &str,
        pointer: &str,
    ) -> Result<()> {
        let Some(mapping) = map
            .get_mut("discriminator")
            .and_then(|d| d.get_mut("mapping"))
            .and_then(Value::as_object_mut)
        else {
            return Ok(());
        };
        let at = pointer_push(&pointer_push(pointer, "discriminator"), "mapping");
        for (key, value) in mapping.iter_mut() {
            let Some(reference) = value.as_str().filter(|r| looks_like_reference(r)) else {
                continue;
            };
            let mut holder = Map::new();
            holder.insert("$ref".into(), Value::String(reference.to_owned()));
            self.reference(
                &mut holder,
                reference,
                Kind::Schema,
                base,
                &pointer_push(&at, key),
            )?;
            if let Some(rewritten) = holder.remove("$ref") {
                *value = rewritten;
            }
        }
        Ok(())
    }

    /// Walks every queued target (which may queue more) and returns them with where they
    /// go.
    fn drain_queue(&mut self) -> Result<Vec<(Dest, Value)>> {
        let mut placed = Vec::new();
        while let Some(job) = self.queue.pop_front() {
            let mut content = self.fetch(&job.target, &job.site)?.clone();
            self.visit(
                &mut content,
                job.kind,
                &job.target.file,
                &mut job.target.pointer.clone(),
            )?;
            placed.push((job.dest, content));
        }
        Ok(placed)
    }

    /// The value `target` names, reading and parsing its file the first time.
    fn fetch(&mut self, target: &Target, site: &Location) -> Result<&Value> {
        if !self.files.contains_key(&target.file) {
            let bytes = self.source.read(&target.file).map_err(|e| Error::Invalid {
                location: site.clone(),
                message: format!("`$ref` into `{}`: cannot read it: {e}", target.file),
            })?;
            let value = crate::load::parse_value(&target.file, &bytes)?;
            self.files.insert(target.file.clone(), value);
            self.read_order.push(target.file.clone());
        }
        self.files[&target.file]
            .pointer(&target.pointer)
            .ok_or_else(|| Error::Invalid {
                location: site.clone(),
                message: format!(
                    "`$ref` into `{}`: it has nothing at `#{}`",
                    target.file, target.pointer
                ),
            })
    }

    /// A readable name for `target`, unique in `home`: the component's own name when it
    /// is one in the other file, else the pointer's last word, else the file's name.
    fn name_for(&mut self, target: &Target, home: &'static str) -> String {
        let tokens: Vec<String> = target
            .pointer
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect();
        let stem = safe_name(resolve::stem(&target.file));
        let words: Vec<&str> = match tokens.as_slice() {
            [] => vec![stem.as_str()],
            [c, _, rest @ ..] if c == "components" && !rest.is_empty() => {
                rest.iter().map(String::as_str).collect()
            }
            [c, rest @ ..] if is_v2_home(c) && !rest.is_empty() => {
                rest.iter().map(String::as_str).collect()
            }
            [.., last] if last.parse::<usize>().is_err() => vec![last.as_str()],
            all => all.iter().map(String::as_str).collect(),
        };
        let base = safe_name(&words.join("_"));
        let taken = self.taken.entry(home).or_default();
        let mut name = base.clone();
        if taken.contains(&name) && !stem.is_empty() && stem != base {
            name = format!("{stem}_{base}");
        }
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        taken.insert(name.clone());
        name
    }

    /// How a file is named in messages: the main document as the user gave it.
    fn display(&self, file: &str) -> String {
        if file == self.main {
            self.main_display.clone()
        } else {
            file.to_owned()
        }
    }

    fn summary(&self) -> String {
        const SHOWN: usize = 8;
        let mut files: Vec<&str> = self.read_order.iter().map(String::as_str).collect();
        let more = files.len().saturating_sub(SHOWN);
        files.truncate(SHOWN);
        let mut list = files.join(", ");
        if more > 0 {
            list.push_str(&format!(" and {more} more"));
        }
        format!(
            "bundled {} `$ref`(s) into {} other file(s) ({} objects placed as components, the \
             rest copied in): {list}",
            self.references,
            self.read_order.len(),
            self.placed.len(),
        )
    }
}

/// Every kind that may have a home.
const ALL_KINDS: [Kind; 9] = [
    Kind::Schema,
    Kind::Parameter,
    Kind::Response,
    Kind::RequestBody,
    Kind::Header,
    Kind::Example,
    Kind::SecurityScheme,
    Kind::Link,
    Kind::Callback,
];

fn is_v2_home(token: &str) -> bool {
    matches!(token, "definitions" | "parameters" | "responses")
}

/// A name of letters, digits, `_`, `-` and `.` (later stages make it an identifier).
fn safe_name(text: &str) -> String {
    let name: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        "External".to_owned()
    } else {
        name
    }
}

/// A `discriminator.mapping` value that is a reference rather than a schema name.
fn looks_like_reference(value: &str) -> bool {
    value.contains('#')
        || value.contains('/')
        || [".yaml", ".yml", ".json"]
            .iter()
            .any(|ext| value.to_ascii_lowercase().ends_with(ext))
}

/// `#pointer`, with the characters a URI fragment can't hold percent-encoded.
fn local_ref(pointer: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + 1);
    out.push('#');
    for c in pointer.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '"' => out.push_str("%22"),
            '%' => out.push_str("%25"),
            c => out.push(c),
        }
    }
    out
}

fn ref_to(local: &str) -> Value {
    let mut map = Map::new();
    map.insert("$ref".into(), Value::String(local.to_owned()));
    Value::Object(map)
}

/// `content` with the referring object's other keys added where `content` has none.
fn with_siblings(content: Value, siblings: Map<String, Value>) -> Value {
    match content {
        Value::Object(mut map) => {
            for (key, value) in siblings {
                map.entry(key).or_insert(value);
            }
            Value::Object(map)
        }
        other => other,
    }
}

/// Inserts `content` as `name` in the map at `home`, creating the map (and
/// `components`) when the document has none.
fn insert_at(doc: &mut Value, home: &str, name: String, content: Value, file: &str) -> Result<()> {
    let mut at = doc;
    let mut pointer = String::new();
    for token in home.split('/').skip(1) {
        let Value::Object(map) = at else {
            return Err(not_a_map(file, &pointer, &name));
        };
        pointer = pointer_push(&pointer, token);
        at = map
            .entry(token.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    match at {
        Value::Object(map) => {
            map.insert(name, content);
            Ok(())
        }
        _ => Err(not_a_map(file, &pointer, &name)),
    }
}

fn not_a_map(file: &str, pointer: &str, name: &str) -> Error {
    Error::invalid(
        file,
        pointer,
        format!("must be an object to receive `{name}` from another file"),
    )
}

fn bad_ref(site: &Location, reference: &str, message: &str) -> Error {
    Error::Invalid {
        location: site.clone(),
        message: format!("`$ref` `{reference}`: {message}"),
    }
}

#[cfg(test)]
mod tests;
