//! Cargo features per tag: which feature(s) each operation module and each model type
//! needs, so a user who enables two tags compiles only their operations and the types
//! those reach. Types reached by no operation are compiled with the `all` feature; types
//! the client itself needs (the error envelope) are always compiled. A group that reaches
//! too many types (the `split_groups_above_types` setting) is compiled in parts, one
//! feature each, and its own feature enables them all.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::quote;

use crate::ident::unraw;
use crate::ir::{Api, Operation, Success, TypeRef};

/// The feature that enables every tag.
pub const ALL: &str = "all";

/// The part of a split group that holds its operations no other part takes.
const CORE_PART: &str = "core";

/// A path segment shared by this few operations of a split group does not make a part of
/// its own: they join the core part.
const FEWEST_OPERATIONS_PER_PART: usize = 3;

/// Feature requirements of every model type and operation.
#[derive(Debug, Default)]
pub struct FeatureMap {
    /// Type name → features that need it; absent means "always compiled".
    pub types: BTreeMap<String, BTreeSet<String>>,
    /// Every group (tag) feature, sorted.
    pub tags: BTreeSet<String>,
    /// Split groups: group feature → the features of its parts.
    pub parts: BTreeMap<String, BTreeSet<String>>,
    /// Operation (its method name) → the part feature compiling it, for split groups.
    pub operations: BTreeMap<String, String>,
}

impl FeatureMap {
    /// The feature that compiles `op`.
    pub fn of_operation(&self, op: &Operation) -> String {
        self.operations
            .get(&op.rust_name)
            .cloned()
            .unwrap_or_else(|| feature_of(&op.module))
    }

    /// The features any one of which compiles something of `module`.
    pub fn of_module(&self, module: &str) -> BTreeSet<String> {
        let feature = feature_of(module);
        self.parts
            .get(&feature)
            .cloned()
            .unwrap_or_else(|| BTreeSet::from([feature]))
    }
}

impl FeatureMap {
    /// For each model type that the features of a single group compile (the group's own
    /// feature, or parts of it): that group's feature. Types the client always needs, or
    /// that no operation reaches (`all`), have none.
    pub fn homes(&self) -> BTreeMap<&str, &str> {
        let mut group_of: BTreeMap<&str, &str> = BTreeMap::new();
        for tag in &self.tags {
            group_of.insert(tag, tag);
        }
        for (group, parts) in &self.parts {
            for part in parts {
                group_of.insert(part, group);
            }
        }
        let mut homes = BTreeMap::new();
        for (name, features) in &self.types {
            let mut groups = features.iter().map(|f| group_of.get(f.as_str()).copied());
            let Some(Some(first)) = groups.next() else {
                continue;
            };
            if groups.all(|group| group == Some(first)) {
                homes.insert(name.as_str(), first);
            }
        }
        homes
    }
}

/// The feature name of an operation module.
pub fn feature_of(module: &str) -> String {
    unraw(module).to_owned()
}

fn named_in(ty: &TypeRef, out: &mut Vec<String>) {
    let mut names = Vec::new();
    ty.named_into(&mut names);
    out.extend(names.into_iter().map(str::to_owned));
}

fn children(api: &Api, name: &str) -> Vec<String> {
    api.types
        .get(name)
        .map(|def| def.children().into_iter().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Every type reachable from `roots`.
fn reachable(api: &Api, roots: Vec<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(name) = stack.pop() {
        if seen.insert(name.clone()) {
            stack.extend(children(api, &name));
        }
    }
    seen
}

/// The model types an operation names directly (parameters, bodies, answers, errors).
fn roots_of(op: &Operation) -> Vec<String> {
    let mut roots = Vec::new();
    op.params.iter().for_each(|p| named_in(&p.ty, &mut roots));
    op.errors
        .iter()
        .for_each(|case| named_in(&case.ty, &mut roots));
    if let Some(body) = &op.body {
        body.kind
            .model()
            .into_iter()
            .for_each(|ty| named_in(ty, &mut roots));
        body.choices
            .iter()
            .flat_map(|c| &c.variants)
            .filter_map(|(_, _, kind)| kind.model())
            .for_each(|ty| named_in(ty, &mut roots));
    }
    match &op.success {
        Success::Json(ty) | Success::JsonOrEmpty(ty) => named_in(ty, &mut roots),
        Success::ByStatus { cases, .. } => cases
            .iter()
            .filter_map(|case| case.body.as_ref())
            .for_each(|ty| named_in(ty, &mut roots)),
        Success::Empty | Success::Binary { .. } | Success::Text { .. } => {}
    }
    if let Some((wrapper, _)) = &op.unwrap {
        roots.push(wrapper.clone());
    }
    roots
}

/// The part of each of `paths` (one group's operations, in order): the first path segment,
/// parameters skipped, after the literal segments every path of the group starts with;
/// [`CORE_PART`] for operations with none, or sharing theirs with too few others.
fn parts_of(paths: &[&str]) -> Vec<String> {
    let segments: Vec<Vec<&str>> = paths
        .iter()
        .map(|path| path.split('/').filter(|s| !s.is_empty()).collect())
        .collect();
    let first = segments.first().cloned().unwrap_or_default();
    let shared = (0..first.len())
        .take_while(|&i| {
            !first[i].starts_with('{') && segments.iter().all(|s| s.get(i) == Some(&first[i]))
        })
        .count();
    let keys: Vec<String> = segments
        .iter()
        .map(|s| {
            s.iter()
                .skip(shared)
                .find(|segment| !segment.starts_with('{'))
                .map(|segment| segment.to_kebab_case())
                .filter(|key| !key.is_empty())
                .unwrap_or_else(|| CORE_PART.to_owned())
        })
        .collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for key in &keys {
        *counts.entry(key).or_default() += 1;
    }
    keys.iter()
        .map(
            |key| match counts[key.as_str()] < FEWEST_OPERATIONS_PER_PART {
                true => CORE_PART.to_owned(),
                false => key.clone(),
            },
        )
        .collect()
}

/// Computes which features need which types, splitting the groups that reach more than
/// `split_above` types into parts.
pub fn compute(api: &Api, split_above: Option<usize>) -> FeatureMap {
    let mut map = FeatureMap::default();
    let always = reachable(api, api.error_envelope.iter().cloned().collect());
    let mut groups: BTreeMap<String, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        groups.entry(feature_of(&op.module)).or_default().push(op);
    }
    let mut roots_by_feature: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (group, ops) in groups {
        map.tags.insert(group.clone());
        let roots: Vec<Vec<String>> = ops.iter().map(|op| roots_of(op)).collect();
        let too_big = split_above.is_some_and(|limit| reachable(api, roots.concat()).len() > limit);
        let paths: Vec<&str> = ops.iter().map(|op| op.path.as_str()).collect();
        let parts = if too_big {
            parts_of(&paths)
        } else {
            Vec::new()
        };
        if parts.iter().collect::<BTreeSet<_>>().len() < 2 {
            roots_by_feature
                .entry(group)
                .or_default()
                .extend(roots.concat());
            continue;
        }
        for ((op, roots), part) in ops.iter().zip(roots).zip(parts) {
            let feature = format!("{group}-{part}");
            map.parts
                .entry(group.clone())
                .or_default()
                .insert(feature.clone());
            map.operations.insert(op.rust_name.clone(), feature.clone());
            roots_by_feature.entry(feature).or_default().extend(roots);
        }
    }
    for (feature, roots) in roots_by_feature {
        for name in reachable(api, roots) {
            if !always.contains(&name) {
                map.types.entry(name).or_default().insert(feature.clone());
            }
        }
    }
    for name in api.types.keys() {
        if !always.contains(name) && !map.types.contains_key(name) {
            map.types
                .entry(name.clone())
                .or_default()
                .insert(ALL.to_owned());
        }
    }
    map
}

/// `#[cfg(any(feature = "a", ...))]` for a set of features; nothing for an empty set.
pub fn cfg_attr(features: Option<&BTreeSet<String>>) -> TokenStream {
    match features {
        None => TokenStream::new(),
        Some(set) if set.is_empty() => TokenStream::new(),
        Some(set) if set.len() == 1 => {
            let f = set.iter().next().map(String::as_str).unwrap_or(ALL);
            quote! { #[cfg(feature = #f)] }
        }
        Some(set) => {
            let fs = set.iter().map(String::as_str);
            quote! { #[cfg(any( #( feature = #fs ),* ))] }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_the_segment_after_the_shared_prefix_parameters_skipped() {
        let paths = [
            "/v1/clusters",
            "/v1/clusters/{uid}",
            "/v1/clusters/aws",
            "/v1/clusters/aws/validate",
            "/v1/clusters/aws/{uid}",
            "/v1/clusters/{uid}/vms",
            "/v1/clusters/{uid}/vms/{name}",
            "/v1/clusters/{uid}/vms/{name}/start",
            "/v1/clusters/{uid}/clusterConfig",
        ];
        assert_eq!(
            parts_of(&paths),
            [
                "core", "core", "aws", "aws", "aws", "vms", "vms", "vms", "core"
            ]
        );
    }

    #[test]
    fn segments_in_camel_case_become_kebab_case_parts() {
        let paths = [
            "/a/clusterTemplates",
            "/a/clusterTemplates/{id}",
            "/a/clusterTemplates/x",
        ];
        // Every path shares `a/clusterTemplates`: nothing after it names a part.
        assert_eq!(parts_of(&paths), ["core", "core", "core"]);
        let paths = [
            "/a/b",
            "/a/clusterTemplates",
            "/a/clusterTemplates/{id}",
            "/a/clusterTemplates/x",
        ];
        assert_eq!(
            parts_of(&paths),
            [
                "core",
                "cluster-templates",
                "cluster-templates",
                "cluster-templates"
            ]
        );
    }

    #[test]
    fn a_type_has_a_home_when_one_group_compiles_it() {
        let set = |features: &[&str]| features.iter().map(|f| (*f).to_owned()).collect();
        let map = FeatureMap {
            types: BTreeMap::from([
                ("OnlyProjects".to_owned(), set(&["projects"])),
                (
                    "TwoParts".to_owned(),
                    set(&["clusters-aws", "clusters-vms"]),
                ),
                (
                    "GroupAndProjects".to_owned(),
                    set(&["clusters-aws", "projects"]),
                ),
                ("Unreached".to_owned(), set(&[ALL])),
            ]),
            tags: set(&["clusters", "projects"]),
            parts: BTreeMap::from([(
                "clusters".to_owned(),
                set(&["clusters-aws", "clusters-vms"]),
            )]),
            operations: BTreeMap::new(),
        };
        assert_eq!(
            map.homes(),
            BTreeMap::from([("OnlyProjects", "projects"), ("TwoParts", "clusters")])
        );
    }

    #[test]
    fn no_paths_no_parts() {
        assert!(parts_of(&[]).is_empty());
    }
}
