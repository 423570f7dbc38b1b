//! Several responses per operation, typed. The normaliser records the statuses of an
//! operation whose successes have different bodies (or that documents `304`), or whose errors
//! have different bodies, and hands progenitor one of each (`normalise::statuses`). Here its
//! `send` returns `Result<ResponseValue<types::<Op>Response>, Error<types::<Op>Error>>`, enums
//! with one variant per status (`Ok`, `Created`, `NoContent`, `NotModified`, `NotFound`,
//! `UnprocessableEntity`, …), and decodes the body by status.

mod arms;
mod enums;

use std::collections::BTreeSet;

use super::{Input, Operation, Pass, missing, module_items, operations, sends};
use crate::finding::Findings;
use crate::normalise::{self, Group, Status};
use crate::syntax::generic_arg;
use enums::PerStatus;

pub const PASS: Pass = Pass {
    name: "per-status-responses",
    what: "operations documenting several success bodies (or `304`), or several error bodies, return an enum per group with one variant per status, decoded by status",
    why: "progenitor types one success and one error body per operation; the others would surface as unexpected responses",
    run,
};

/// An operation with the statuses recorded for each group.
struct Marked {
    op: Operation,
    successes: Vec<Status>,
    errors: Vec<Status>,
}

fn run(file: &mut syn::File, input: &Input<'_>) -> Result<usize, Findings> {
    let marked: Vec<Marked> = operations(input.doc)
        .into_iter()
        .filter_map(|op| {
            let operation = input.doc.pointer(&op.pointer)?;
            let successes = normalise::statuses(operation, Group::Success);
            let errors = normalise::statuses(operation, Group::Error);
            (!successes.is_empty() || !errors.is_empty()).then_some(Marked {
                op,
                successes,
                errors,
            })
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
    for marked in &marked {
        let op = &marked.op;
        let item = format!("`send` of `{}`", op.id);
        let Some((_, send)) = sends.iter_mut().find(|(id, _)| *id == op.id) else {
            findings.push(missing(&PASS, &op.pointer, &item, "no such method"));
            continue;
        };
        match edit(send, marked, &mut taken) {
            Ok(items) => enums.extend(items),
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

/// Rewrites `send` to return the operation's enums; the enums, or what was not found.
fn edit(
    send: &mut syn::ImplItemFn,
    marked: &Marked,
    taken: &mut BTreeSet<String>,
) -> Result<Vec<syn::Item>, String> {
    let (kept, error) = result_types(&send.sig.output)
        .ok_or("no return type `Result<ResponseValue<T>, Error<E>>`")?;
    let kept_error = generic_arg(&error, "Error", 0).ok_or("no error type `Error<E>`")?;
    let id = &marked.op.id;
    let successes = (!marked.successes.is_empty())
        .then(|| PerStatus::new(Group::Success, id, &marked.successes, &kept, taken))
        .transpose()?;
    let errors = (!marked.errors.is_empty())
        .then(|| PerStatus::new(Group::Error, id, &marked.errors, &kept_error, taken))
        .transpose()?;
    let ok = successes.as_ref().map_or(kept, PerStatus::path);
    let err = errors.as_ref().map_or(kept_error, PerStatus::path);
    send.sig.output = syn::parse_quote!(-> Result<ResponseValue<#ok>, Error<#err>>);
    let mut replaced = Vec::new();
    let mut new_arms = Vec::new();
    for e in successes.iter().chain(&errors) {
        replaced.push(e.group());
        new_arms.extend(e.arms(&err));
    }
    arms::replace(send, &replaced, new_arms)?;
    Ok(successes
        .iter()
        .chain(&errors)
        .map(PerStatus::item)
        .collect())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::Body;

    fn marked() -> Marked {
        let status = |code: &str, body| Status {
            code: code.into(),
            description: String::new(),
            body,
        };
        Marked {
            op: Operation {
                id: "get_thing".into(),
                pointer: "/paths/~1things/get".into(),
                method: "get",
            },
            successes: vec![
                status("200", Body::Kept),
                status("202", Body::Json("Job".into())),
            ],
            errors: Vec::new(),
        }
    }

    #[test]
    fn a_send_without_its_targets_is_an_error_not_a_panic() {
        let mut taken: BTreeSet<String> = ["Thing", "Job"].map(String::from).into();
        let mut no_result: syn::ImplItemFn = syn::parse_quote! {
            pub async fn send(self) -> ResponseValue<types::Thing> { todo!() }
        };
        let what = edit(&mut no_result, &marked(), &mut taken).err();
        assert_eq!(
            what.as_deref(),
            Some("no return type `Result<ResponseValue<T>, Error<E>>`")
        );
        let mut no_match: syn::ImplItemFn = syn::parse_quote! {
            pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<()>> { todo!() }
        };
        let what = edit(&mut no_match, &marked(), &mut taken).err();
        assert!(what.is_some_and(|w| w.contains("no `match response.status().as_u16()`")));
        let mut taken: BTreeSet<String> = ["Thing"].map(String::from).into();
        let mut no_type: syn::ImplItemFn = syn::parse_quote! {
            pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<()>> {
                match response.status().as_u16() { _ => todo!() }
            }
        };
        let what = edit(&mut no_type, &marked(), &mut taken).err();
        assert!(what.is_some_and(|w| w.contains("no type `Job`")));
    }

    #[test]
    fn the_enum_replaces_the_success_arms_and_the_return_type() {
        let mut taken: BTreeSet<String> = ["Thing", "Job"].map(String::from).into();
        let mut send: syn::ImplItemFn = syn::parse_quote! {
            pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<()>> {
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }
        };
        let items = edit(&mut send, &marked(), &mut taken).expect("the targets are there");
        assert_eq!(items.len(), 1);
        assert!(taken.contains("GetThingResponse"));
        let syn::ReturnType::Type(_, output) = &send.sig.output else {
            panic!("a return type")
        };
        let ok = generic_arg(output, "Result", 0).unwrap();
        let Some(syn::Type::Path(value)) = generic_arg(&ok, "ResponseValue", 0) else {
            panic!("`ResponseValue<T>`")
        };
        assert!(super::super::path_is(
            &value.path,
            &["types", "GetThingResponse"]
        ));
        let syn::Stmt::Expr(syn::Expr::Match(m), _) = &send.block.stmts[0] else {
            panic!("the match stays")
        };
        assert_eq!(m.arms.len(), 3, "200, 202 and the fallback");
    }
}
