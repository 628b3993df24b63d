//! Cargo features per tag: which feature(s) each operation module and each model type
//! needs, so a user who enables two tags compiles only their operations and the types
//! those reach. Types reached by no operation are compiled with the `all` feature; types
//! the client itself needs (the error envelope) are always compiled.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::ident::unraw;
use crate::ir::{Api, Success, TypeRef};

/// The feature that enables every tag.
pub const ALL: &str = "all";

/// Feature requirements of every model type.
#[derive(Debug, Default)]
pub struct FeatureMap {
    /// Type name → features that need it; absent means "always compiled".
    pub types: BTreeMap<String, BTreeSet<String>>,
    /// Every tag feature, sorted.
    pub tags: BTreeSet<String>,
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

/// Computes which features need which types.
pub fn compute(api: &Api) -> FeatureMap {
    let mut map = FeatureMap::default();
    let always = reachable(api, api.error_envelope.iter().cloned().collect());
    let mut roots_by_feature: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for op in &api.operations {
        let feature = feature_of(&op.module);
        map.tags.insert(feature.clone());
        let roots = roots_by_feature.entry(feature).or_default();
        op.params.iter().for_each(|p| named_in(&p.ty, roots));
        op.errors.iter().for_each(|case| named_in(&case.ty, roots));
        if let Some(body) = &op.body {
            body.kind
                .model()
                .into_iter()
                .for_each(|ty| named_in(ty, roots));
            body.choices
                .iter()
                .flat_map(|c| &c.variants)
                .filter_map(|(_, _, kind)| kind.model())
                .for_each(|ty| named_in(ty, roots));
        }
        match &op.success {
            Success::Json(ty) | Success::JsonOrEmpty(ty) => named_in(ty, roots),
            Success::ByStatus { cases, .. } => cases
                .iter()
                .filter_map(|case| case.body.as_ref())
                .for_each(|ty| named_in(ty, roots)),
            Success::Empty | Success::Binary { .. } | Success::Text { .. } => {}
        }
        if let Some((wrapper, _)) = &op.unwrap {
            roots.push(wrapper.clone());
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
