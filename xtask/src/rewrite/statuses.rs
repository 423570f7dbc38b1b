//! Several success responses per operation, typed. The normaliser records the statuses of an
//! operation whose successes have different bodies (or that documents `304`) and hands
//! progenitor one of them (`normalise::statuses`). Here its `send` returns
//! `ResponseValue<types::<Op>Response>`, an enum with one variant per status (`Ok`, `Created`,
//! `NoContent`, `NotModified`, …), and decodes the body by status.

use std::collections::BTreeSet;

use proc_macro2::Span;
use quote::format_ident;
use syn::visit_mut::{self, VisitMut};

use super::{Input, Operation, Pass, missing, module_items, operations, sends};
use crate::finding::Findings;
use crate::names;
use crate::normalise::{self, Body, Status};
use crate::syntax::generic_arg;

pub const PASS: Pass = Pass {
    name: "per-status-responses",
    what: "operations documenting several success bodies (or `304`) return an enum with one variant per status, decoded by status",
    why: "progenitor types one success body per operation; the others would surface as unexpected responses",
    run,
};

fn run(file: &mut syn::File, input: &Input<'_>) -> Result<usize, Findings> {
    let marked: Vec<(Operation, Vec<Status>)> = operations(input.doc)
        .into_iter()
        .filter_map(|op| {
            let statuses = normalise::statuses(input.doc.pointer(&op.pointer)?);
            (!statuses.is_empty()).then_some((op, statuses))
        })
        .collect();
    if marked.is_empty() {
        return Ok(0);
    }
    let mut taken: BTreeSet<String> = module_items(file, "types")
        .map(|items| items.iter().filter_map(item_name).collect())
        .unwrap_or_default();
    let mut findings = Findings::default();
    let mut enums = Vec::new();
    let mut sends = sends(file);
    for (op, statuses) in &marked {
        let item = format!("`send` of `{}`", op.id);
        let Some((_, send)) = sends.iter_mut().find(|(id, _)| *id == op.id) else {
            findings.push(missing(&PASS, &op.pointer, &item, "no such method"));
            continue;
        };
        match edit(send, op, statuses, &mut taken) {
            Ok(e) => enums.push(e),
            Err(what) => findings.push(missing(&PASS, &op.pointer, &item, &what)),
        }
    }
    if !findings.is_empty() {
        return Err(findings);
    }
    let edits = enums.len();
    let Some(types) = module_items(file, "types") else {
        findings.push(missing(&PASS, "", "`mod types`", "no such module"));
        return Err(findings);
    };
    types.extend(enums);
    Ok(edits)
}

/// The name a `types` item declares.
fn item_name(item: &syn::Item) -> Option<String> {
    Some(
        match item {
            syn::Item::Struct(s) => &s.ident,
            syn::Item::Enum(e) => &e.ident,
            syn::Item::Type(t) => &t.ident,
            syn::Item::Mod(m) => &m.ident,
            _ => return None,
        }
        .to_string(),
    )
}

/// One variant: its name, its payload as the `types` module names it and as `send` (in
/// `builder`) names it, and how it is read.
struct Variant<'a> {
    name: syn::Ident,
    payload: Option<(syn::Type, syn::Type)>,
    status: &'a Status,
    raw: bool,
}

/// Rewrites `send` to return the operation's enum; the enum, or what was not found.
fn edit(
    send: &mut syn::ImplItemFn,
    op: &Operation,
    statuses: &[Status],
    taken: &mut BTreeSet<String>,
) -> Result<syn::Item, String> {
    let (kept, error) = result_types(&send.sig.output)
        .ok_or("no return type `Result<ResponseValue<T>, Error<E>>`")?;
    let kept_raw = last_ident(&kept).is_some_and(|i| i == "ByteStream");
    let kept_in_builder = kept;
    let base = format!("{}Response", names::sanitize_pascal(&op.id));
    let name = (1..)
        .map(|n| match n {
            1 => base.clone(),
            2 => format!("{base}ByStatus"),
            n => format!("{base}ByStatus{n}"),
        })
        .find(|n| !taken.contains(n))
        .unwrap_or(base);
    taken.insert(name.clone());
    let ident = format_ident!("{}", name);
    let mut used = BTreeSet::new();
    let mut variants = Vec::new();
    for status in statuses {
        let mut vname = variant_name(&status.code);
        while !used.insert(vname.clone()) {
            vname.push('_');
        }
        let (payload, raw) = match &status.body {
            Body::Empty => (None, false),
            Body::Raw => (Some(bytes()), true),
            Body::Kept if kept_raw => (Some(bytes()), true),
            Body::Kept => {
                let mut local = kept_in_builder.clone();
                StripTypes.visit_type_mut(&mut local);
                (Some((local, kept_in_builder.clone())), false)
            }
            Body::Json(component) => {
                if !taken.contains(component) {
                    return Err(format!(
                        "no type `{component}` in `mod types` for response `{}`",
                        status.code
                    ));
                }
                let local = syn::Ident::new(component, Span::call_site());
                (
                    Some((syn::parse_quote!(#local), syn::parse_quote!(types::#local))),
                    false,
                )
            }
        };
        variants.push(Variant {
            name: syn::Ident::new(&vname, Span::call_site()),
            payload,
            status,
            raw,
        });
    }
    send.sig.output = syn::parse_quote!(-> Result<ResponseValue<types::#ident>, #error>);
    let arms = MatchArms {
        arms: variants.iter().map(|v| arm(&ident, v)).collect(),
        done: 0,
    };
    replace_success_arms(send, arms)?;
    Ok(enum_item(&ident, &op.id, &variants))
}

fn bytes() -> (syn::Type, syn::Type) {
    let t: syn::Type = syn::parse_quote!(::std::vec::Vec<u8>);
    (t.clone(), t)
}

/// `Ok` for 200, `Created` for 201, … `Success` for `2XX`, `NotModified` for 304,
/// `Status<code>` for a code without a common name.
fn variant_name(code: &str) -> String {
    match code {
        "200" => "Ok",
        "201" => "Created",
        "202" => "Accepted",
        "203" => "NonAuthoritativeInformation",
        "204" => "NoContent",
        "205" => "ResetContent",
        "206" => "PartialContent",
        "207" => "MultiStatus",
        "208" => "AlreadyReported",
        "226" => "ImUsed",
        "304" => "NotModified",
        c if c.eq_ignore_ascii_case("2XX") => "Success",
        c => return format!("Status{}", names::sanitize_pascal(c)),
    }
    .to_owned()
}

/// `T` and `Error<E>` of `-> Result<ResponseValue<T>, Error<E>>`.
fn result_types(output: &syn::ReturnType) -> Option<(syn::Type, syn::Type)> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let ok = generic_arg(ty, "Result", 0)?;
    Some((
        generic_arg(&ok, "ResponseValue", 0)?,
        generic_arg(ty, "Result", 1)?,
    ))
}

fn last_ident(ty: &syn::Type) -> Option<&syn::Ident> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| &s.ident),
        _ => None,
    }
}

/// `types::X` → `X`, for code placed inside `mod types`.
struct StripTypes;

impl VisitMut for StripTypes {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.leading_colon.is_none()
            && path.segments.len() > 1
            && path.segments.first().is_some_and(|s| s.ident == "types")
        {
            path.segments = path.segments.iter().skip(1).cloned().collect();
        }
        visit_mut::visit_path_mut(self, path);
    }
}

/// The match arm reading `v`'s status into its variant (`response` is progenitor's name of
/// the response in `send`).
fn arm(enum_ident: &syn::Ident, v: &Variant<'_>) -> syn::Arm {
    let pat: syn::Pat = match v.status.code.parse::<u16>() {
        Ok(code) => syn::parse_quote!(#code),
        Err(_) => {
            // A class such as `2XX`; anything else documented as a success reads as `2XX`.
            let class = v.status.code.chars().next().and_then(|c| c.to_digit(10));
            let low = u16::try_from(class.unwrap_or(2)).unwrap_or(2) * 100;
            let high = low + 99;
            syn::parse_quote!(#low..=#high)
        }
    };
    let name = &v.name;
    match &v.payload {
        None => syn::parse_quote! {
            #pat => ResponseValue::empty(response).map(|()| types::#enum_ident::#name),
        },
        Some(_) if v.raw => syn::parse_quote! {
            #pat => {
                let status = response.status();
                let headers = response.headers().clone();
                let bytes = response.bytes().await.map_err(Error::ResponseBodyError)?;
                Ok(ResponseValue::new(types::#enum_ident::#name(bytes.to_vec()), status, headers))
            }
        },
        Some((_, outer)) => syn::parse_quote! {
            #pat => ResponseValue::<#outer>::from_response(response)
                .await?
                .map(types::#enum_ident::#name),
        },
    }
}

/// Puts `arms` first in `send`'s `match response.status().as_u16()`, in place of
/// progenitor's success arms (2xx codes and the `200..=299` range).
struct MatchArms {
    arms: Vec<syn::Arm>,
    done: usize,
}

impl VisitMut for MatchArms {
    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        let on_status = matches!(m.expr.as_ref(), syn::Expr::MethodCall(c) if c.method == "as_u16");
        if on_status && self.done == 0 {
            let rest: Vec<syn::Arm> = std::mem::take(&mut m.arms)
                .into_iter()
                .filter(|a| !is_success(&a.pat))
                .collect();
            let (codes, ranges): (Vec<syn::Arm>, Vec<syn::Arm>) = self
                .arms
                .drain(..)
                .partition(|a| !matches!(a.pat, syn::Pat::Range(_)));
            m.arms = codes.into_iter().chain(ranges).chain(rest).collect();
            self.done += 1;
            return;
        }
        visit_mut::visit_expr_match_mut(self, m);
    }
}

fn replace_success_arms(send: &mut syn::ImplItemFn, mut arms: MatchArms) -> Result<(), String> {
    arms.visit_impl_item_fn_mut(send);
    if arms.done == 0 {
        return Err("no `match response.status().as_u16()` to decode the statuses in".into());
    }
    Ok(())
}

/// A 1xx or 2xx code, or a range starting at 200.
fn is_success(pat: &syn::Pat) -> bool {
    let code = |e: &syn::Expr| match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse::<u16>().ok(),
        _ => None,
    };
    match pat {
        syn::Pat::Lit(l) => {
            code(&syn::Expr::Lit(l.clone())).is_some_and(|c| (100..300).contains(&c))
        }
        syn::Pat::Range(r) => r.start.as_deref().and_then(code) == Some(200),
        _ => false,
    }
}

/// `pub enum <Op>Response { Ok(Thing), Created(Thing), NoContent, … }`.
fn enum_item(ident: &syn::Ident, op_id: &str, variants: &[Variant<'_>]) -> syn::Item {
    let doc = format!(
        "The documented successes of `{op_id}`, one variant per status (the exact status is \
         `ResponseValue::status()`). Serialises as the body alone."
    );
    let variants = variants.iter().map(|v| {
        let name = &v.name;
        let description = v.status.description.trim();
        let doc = if description.is_empty() {
            format!("`{}`", v.status.code)
        } else {
            format!("`{}`: {description}", v.status.code)
        };
        match &v.payload {
            Some((local, _)) => quote::quote!(#[doc = #doc] #name(#local)),
            None => quote::quote!(#[doc = #doc] #name),
        }
    });
    syn::parse_quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, ::serde::Deserialize, ::serde::Serialize)]
        #[serde(untagged)]
        pub enum #ident {
            #(#variants,)*
        }
    }
}
