//! Emits `src/pagination.rs`: `rt::Page` for every list response type, telling the runtime
//! where a page's items and its next-page link are. The navigation is plain field access
//! decided at generation time, so paging costs no extra decoding.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::models::{ident, type_tokens};
use crate::ir::{Api, Pagination};

/// The whole module.
pub fn emit(api: &Api) -> TokenStream {
    let pages: BTreeMap<&str, &Pagination> = api
        .operations
        .iter()
        .filter_map(|op| op.pagination.as_ref())
        .map(|p| (p.page_type.as_str(), p))
        .collect();
    let impls = pages.values().map(|p| emit_page(p));
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
    let link = next_link_expr(&p.next_link);
    quote! {
        impl rt::Page for crate::models::#page {
            type Item = #item;

            fn next_page(&self) -> rt::NextPage {
                fn link(page: &crate::models::#page) -> Option<&str> {
                    #link
                }
                match link(self) {
                    Some(href) if !href.is_empty() => rt::NextPage::Link(href.to_owned()),
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
fn next_link_expr(steps: &[(String, bool)]) -> TokenStream {
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
