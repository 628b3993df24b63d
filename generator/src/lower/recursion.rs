//! Breaks infinitely sized types: a struct or union that contains itself by value (directly
//! or through other types, not through a `Vec` or map) gets a `Box` on exactly the fields
//! that close such a cycle, found as strongly connected components (Tarjan) of the
//! "contains by value" graph. Everything else stays unboxed.

use std::collections::BTreeMap;

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// The named type a value of `ty` holds inline (not behind a `Vec`/map), if any.
fn inline_target(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(n) => Some(n),
        _ => None,
    }
}

fn edges(def: &TypeDef) -> Vec<&str> {
    match &def.kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .filter_map(|f| inline_target(&f.ty))
            .collect(),
        TypeKind::Union(u) => u
            .variants
            .iter()
            .filter_map(|(_, t)| inline_target(t))
            .collect(),
        TypeKind::Tagged(t) => t
            .variants
            .iter()
            .filter_map(|v| inline_target(&v.ty))
            .collect(),
        TypeKind::Alias(t) => inline_target(t).into_iter().collect(),
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => Vec::new(),
    }
}

/// Component id of every type (iterative Tarjan, so deep documents cannot overflow).
fn components(types: &BTreeMap<String, TypeDef>) -> BTreeMap<&str, usize> {
    let names: Vec<&str> = types.keys().map(String::as_str).collect();
    let index_of: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let adjacency: Vec<Vec<usize>> = names
        .iter()
        .map(|n| {
            types
                .get(*n)
                .map(|d| {
                    edges(d)
                        .iter()
                        .filter_map(|t| index_of.get(t).copied())
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let n = names.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, next edge position)
        let mut work = vec![(root, 0usize)];
        while let Some((v, pos)) = work.pop() {
            if pos == 0 {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = adjacency[v].get(pos) {
                work.push((v, pos + 1));
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
        }
    }
    names.into_iter().zip(component).collect()
}

/// Marks the fields and variants to box; returns how many.
pub fn break_cycles(types: &mut BTreeMap<String, TypeDef>) -> usize {
    let component: BTreeMap<String, usize> = components(types)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let same = |a: &str, b: &str| component.contains_key(a) && component.get(a) == component.get(b);
    let mut boxed = 0;
    for (name, def) in types.iter_mut() {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for f in &mut s.fields {
                    if inline_target(&f.ty).is_some_and(|t| same(name, t)) {
                        f.boxed = true;
                        boxed += 1;
                    }
                }
            }
            TypeKind::Union(u) => {
                for (_, ty) in &mut u.variants {
                    if let Some(t) = inline_target(ty).filter(|t| same(name, t)) {
                        *ty = TypeRef::Boxed(Box::new(TypeRef::Named(t.to_owned())));
                        boxed += 1;
                    }
                }
            }
            TypeKind::Tagged(t) => {
                for v in &mut t.variants {
                    if let Some(n) = inline_target(&v.ty).filter(|n| same(name, n)) {
                        v.ty = TypeRef::Boxed(Box::new(TypeRef::Named(n.to_owned())));
                        boxed += 1;
                    }
                }
            }
            TypeKind::Alias(_) | TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => {}
        }
    }
    boxed
}
