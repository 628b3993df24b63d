//! Emits `src/pagination.rs`: `rt::Page` for every list response type, telling the runtime
//! where a page's items and its next-page link are. The navigation is plain field access
//! decided at generation time, so paging costs no extra decoding.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::features::{FeatureMap, cfg_attr};
use super::models::{ident, type_tokens};
use crate::ir::{Api, Operation, PageShape, PageStrategy, Pagination};

/// The whole module.
pub fn emit(api: &Api, features: &FeatureMap) -> TokenStream {
    let pages: BTreeMap<&str, (&Pagination, Option<&Operation>)> = api
        .operations
        .iter()
        .filter_map(|op| Some((op.pagination.as_ref()?, op)))
        .map(|(p, op)| (p.page.name(), (p, Some(op))))
        .collect();
    let impls = pages.values().map(|(p, op)| {
        let cfg = match &p.page {
            PageShape::Model { name, .. } => cfg_attr(features.types.get(name)),
            // The newtype serves one operation: it is compiled with that operation.
            PageShape::Array { .. } => {
                let feature: Option<BTreeSet<String>> =
                    op.map(|op| BTreeSet::from([features.of_operation(op)]));
                cfg_attr(feature.as_ref())
            }
        };
        let (wrapper, page) = emit_page(p);
        let wrapper = wrapper.map(|w| quote! { #cfg #w });
        quote! { #wrapper #cfg #page }
    });
    quote! {
        //! How list responses are paged: where the items and the next-page link are.
        #[allow(unused_imports, reason = "unused when the API has no paged lists")]
        use cloudgen_runtime::codegen as rt;
        #( #impls )*
    }
}

/// The path of a page type from inside the crate.
pub fn page_path(shape: &PageShape) -> TokenStream {
    let name = ident(shape.name());
    match shape {
        PageShape::Model { .. } => quote! { crate::models::#name },
        PageShape::Array { .. } => quote! { crate::pagination::#name },
    }
}

/// The newtype a bare-array page needs (if any), and the `Page` impl.
fn emit_page(p: &Pagination) -> (Option<TokenStream>, TokenStream) {
    let page = page_path(&p.page);
    let item = type_tokens(&p.item_type, &quote! { crate::models:: });
    let (wrapper, into_items, count) = match &p.page {
        PageShape::Model {
            items_field: (items, optional),
            ..
        } => {
            let items = ident(items);
            let (into_items, count) = if *optional {
                (
                    quote! { self.#items.unwrap_or_default() },
                    quote! { self.#items.as_ref().map_or(0, Vec::len) },
                )
            } else {
                (quote! { self.#items }, quote! { self.#items.len() })
            };
            (None, into_items, count)
        }
        PageShape::Array { name } => {
            let name = ident(name);
            let doc = " One page of a list answered as a bare JSON array.";
            let wrapper = quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, PartialEq, serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub Vec<#item>);
            };
            (Some(wrapper), quote! { self.0 }, quote! { self.0.len() })
        }
    };
    let next_page = match &p.strategy {
        PageStrategy::NextLink { cursor } => cursor_next(
            &page,
            cursor,
            quote! { rt::NextPage::Link(value.to_owned()) },
        ),
        PageStrategy::Token { param, cursor } => cursor_next(
            &page,
            cursor,
            quote! { rt::NextPage::Token { param: #param, value: value.to_owned() } },
        ),
        PageStrategy::Offset { param, limit_param } => {
            let limit = match limit_param {
                Some(limit) => quote! { Some(#limit) },
                None => quote! { None },
            };
            quote! {
                rt::NextPage::Offset {
                    param: #param,
                    increment: #count as u64,
                    limit_param: #limit,
                }
            }
        }
    };
    let page_impl = quote! {
        impl rt::Page for #page {
            type Item = #item;

            fn next_page(&self) -> rt::NextPage {
                #next_page
            }

            fn into_items(self) -> Vec<Self::Item> {
                #into_items
            }

            fn item_count(&self) -> Option<usize> {
                Some(#count)
            }
        }
    };
    (wrapper, page_impl)
}

/// The body of `next_page` for cursor strategies: read the cursor, `Done` when absent
/// or empty.
fn cursor_next(page: &TokenStream, steps: &[(String, bool)], next: TokenStream) -> TokenStream {
    let cursor = cursor_expr(steps);
    quote! {
        fn cursor(page: &#page) -> Option<&str> {
            #cursor
        }
        match cursor(self) {
            Some(value) if !value.is_empty() => #next,
            _ => rt::NextPage::Done,
        }
    }
}

/// `page.a.as_ref()?.b.as_ref()?.href.as_deref()` for steps (field, is_option).
fn cursor_expr(steps: &[(String, bool)]) -> TokenStream {
    let mut expr = quote! { page };
    let Some((last, intermediate)) = steps.split_last() else {
        return quote! { None };
    };
    for (name, optional) in intermediate {
        let name = ident(name);
        expr = if *optional {
            quote! { #expr.#name.as_ref()? }
        } else {
            quote! { #expr.#name }
        };
    }
    let name = ident(&last.0);
    if last.1 {
        quote! { #expr.#name.as_deref() }
    } else {
        quote! { Some(#expr.#name.as_str()) }
    }
}
