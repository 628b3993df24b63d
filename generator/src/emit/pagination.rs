//! Emits `src/pagination.rs`: `rt::Page` for every list response type, telling the runtime
//! where a page's items and its next-page link are. The navigation is plain field access
//! decided at generation time, so paging costs no extra decoding.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::features::{FeatureMap, cfg_attr};
use super::models::{ident, type_tokens};
use crate::ir::{Api, PageStrategy, Pagination};

/// The whole module.
pub fn emit(api: &Api, features: &FeatureMap) -> TokenStream {
    let pages: BTreeMap<&str, &Pagination> = api
        .operations
        .iter()
        .filter_map(|op| op.pagination.as_ref())
        .map(|p| (p.page_type.as_str(), p))
        .collect();
    let impls = pages.values().map(|p| {
        let cfg = cfg_attr(features.types.get(&p.page_type));
        let item = emit_page(p);
        quote! { #cfg #item }
    });
    quote! {
        //! How list responses are paged: where the items and the next-page link are.
        #[allow(unused_imports, reason = "unused when the API has no paged lists")]
        use cloudgen_runtime::codegen as rt;
        #( #impls )*
    }
}

fn emit_page(p: &Pagination) -> TokenStream {
    let page = ident(&p.page_type);
    let item = type_tokens(&p.item_type, &quote! { crate::models:: });
    let items = ident(&p.items_field.0);
    let (into_items, count) = if p.items_field.1 {
        (
            quote! { self.#items.unwrap_or_default() },
            quote! { self.#items.as_ref().map_or(0, Vec::len) },
        )
    } else {
        (quote! { self.#items }, quote! { self.#items.len() })
    };
    let cursor = cursor_expr(&p.cursor);
    let next = match &p.strategy {
        PageStrategy::NextLink => quote! { rt::NextPage::Link(value.to_owned()) },
        PageStrategy::Token { param } => quote! {
            rt::NextPage::Token { param: #param, value: value.to_owned() }
        },
    };
    quote! {
        impl rt::Page for crate::models::#page {
            type Item = #item;

            fn next_page(&self) -> rt::NextPage {
                fn cursor(page: &crate::models::#page) -> Option<&str> {
                    #cursor
                }
                match cursor(self) {
                    Some(value) if !value.is_empty() => #next,
                    _ => rt::NextPage::Done,
                }
            }

            fn into_items(self) -> Vec<Self::Item> {
                #into_items
            }

            fn item_count(&self) -> Option<usize> {
                Some(#count)
            }
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
