//! Whole-API facts decided after every type and operation is lowered: which structs keep
//! properties this version does not know (the ones a client reads and then writes back,
//! so a GET → modify → PUT loses nothing the server added), and which types can derive
//! `Eq` (no floating-point value anywhere inside).

use std::collections::{BTreeMap, BTreeSet};

use crate::ident::Namespace;
use crate::ir::{Additional, Operation, Success, TypeDef, TypeKind, TypeRef};

fn reachable<'t>(types: &'t BTreeMap<String, TypeDef>, roots: Vec<&'t str>) -> BTreeSet<&'t str> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(name) = stack.pop() {
        if let Some((key, def)) = types.get_key_value(name) {
            if seen.insert(key.as_str()) {
                stack.extend(def.children());
            }
        }
    }
    seen
}

/// Structs reachable both from a request body and from a response, with nothing said
/// about extra properties, keep unknown ones in a map (`unknown_fields`). Returns how many.
pub fn preserve_round_trips(types: &mut BTreeMap<String, TypeDef>, ops: &[Operation]) -> usize {
    let mut sent = Vec::new();
    let mut received = Vec::new();
    for op in ops {
        if let Some(body) = &op.body {
            let mut kinds = vec![&body.kind];
            if let Some(choices) = &body.choices {
                kinds.extend(choices.variants.iter().map(|(_, _, kind)| kind));
            }
            for kind in kinds {
                if let Some(ty) = kind.model() {
                    ty.named_into(&mut sent);
                }
            }
        }
        match &op.success {
            Success::Json(ty) | Success::JsonOrEmpty(ty) => ty.named_into(&mut received),
            Success::ByStatus { cases, .. } => cases
                .iter()
                .filter_map(|c| c.body.as_ref())
                .for_each(|ty| ty.named_into(&mut received)),
            _ => {}
        }
    }
    let sent = reachable(types, sent);
    let received = reachable(types, received);
    let both: Vec<String> = sent
        .intersection(&received)
        .map(|n| (*n).to_owned())
        .collect();
    let mut count = 0;
    for name in both {
        if let Some(TypeDef {
            kind: TypeKind::Struct(s),
            ..
        }) = types.get_mut(&name)
        {
            if s.additional == Additional::Unspecified {
                let mut names = Namespace::with_reserved(
                    s.fields
                        .iter()
                        .map(|f| f.rust_name.trim_start_matches("r#")),
                );
                s.additional = Additional::Preserved(names.claim("unknown_fields"));
                count += 1;
            }
        }
    }
    count
}

/// Types that can derive `Eq`: no `f32`/`f64` inside, through any path (a cycle of
/// otherwise-`Eq` types is `Eq`).
pub fn eq_types(types: &BTreeMap<String, TypeDef>) -> BTreeSet<String> {
    fn has_float(ty: &TypeRef) -> bool {
        match ty {
            TypeRef::F32 | TypeRef::F64 => true,
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => has_float(inner),
            _ => false,
        }
    }
    let own_float = |def: &TypeDef| match &def.kind {
        TypeKind::Struct(s) => {
            s.fields.iter().any(|f| has_float(&f.ty))
                || matches!(&s.additional, Additional::Typed(_, ty) if has_float(ty))
        }
        TypeKind::Alias(ty) => has_float(ty),
        TypeKind::Union(u) => u.variants.iter().any(|(_, ty)| has_float(ty)),
        TypeKind::Tagged(_) | TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => false,
    };
    // Who holds whom, reversed: a type with a float taints every type holding it.
    let mut holders: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, def) in types {
        for child in def.children() {
            holders.entry(child).or_default().push(name);
        }
    }
    let mut tainted: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = types
        .iter()
        .filter(|(_, def)| own_float(def))
        .map(|(name, _)| name.as_str())
        .collect();
    while let Some(name) = stack.pop() {
        if tainted.insert(name) {
            stack.extend(holders.get(name).into_iter().flatten().copied());
        }
    }
    types
        .keys()
        .filter(|name| !tainted.contains(name.as_str()))
        .cloned()
        .collect()
}
