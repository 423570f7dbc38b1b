//! The pass on a small client: a declaration that fits gets its impl; one naming an
//! operation, parameter or field the client does not have is a located `paginate-config`
//! error, never a panic.

use serde_json::json;

use super::super::{Input, Pass};
use super::PASS;
use crate::config::{ApiConfig, Paginate, Service};
use crate::finding::Findings;

/// What progenitor gives a document with one list operation `listRows` at `/rows`.
fn client() -> syn::File {
    syn::parse_quote! {
        pub mod types {
            pub struct Row { pub id: String }
            pub struct RowPage {
                pub data: Vec<Row>,
                #[serde(rename = "totalPages")]
                pub total_pages: Option<i64>,
                #[serde(rename = "nextCursor")]
                pub next_cursor: Option<String>,
                pub label: String,
            }
        }
        pub mod builder {
            impl<'a> ListRows<'a> {
                pub fn page<V>(mut self, value: V) -> Self where V: std::convert::TryInto<i64> { todo!() }
                pub fn limit<V>(mut self, value: V) -> Self where V: std::convert::TryInto<i64> { todo!() }
                pub async fn send(self) -> Result<ResponseValue<types::RowPage>, Error<()>> {
                    let info = OperationInfo { operation_id: "list_rows" };
                    todo!()
                }
            }
        }
    }
}

fn run(declared: &str) -> (syn::File, Result<usize, Findings>) {
    let doc = json!({"openapi": "3.0.3", "paths": {"/rows": {"get": {"operationId": "listRows",
        "responses": {"200": {"description": "a page"}}}}}});
    let mut config = ApiConfig::standalone("rows");
    config.paginate = vec![toml::from_str::<Paginate>(declared).expect("a declaration")];
    let service = Service::whole();
    let input = Input {
        config: &config,
        service: &service,
        doc: &doc,
        whole: &doc,
        crate_path: "rows",
    };
    let mut file = client();
    let pass: &Pass = &PASS;
    let result = (pass.run)(&mut file, &input);
    (file, result)
}

fn error(declared: &str) -> String {
    let (file, result) = run(declared);
    let findings = result.expect_err("the declaration does not fit the client");
    assert!(findings.has_errors(), "{findings}");
    assert_eq!(
        quote::ToTokens::to_token_stream(&file).to_string(),
        quote::ToTokens::to_token_stream(&client()).to_string(),
        "nothing is edited when a declaration is wrong"
    );
    findings.to_string()
}

#[test]
fn a_fitting_declaration_gets_the_paginated_impl() {
    let (file, result) = run(
        "operation = \"listRows\"\nstyle = \"page\"\nitems = \"data\"\ntotal_pages = \"totalPages\"",
    );
    assert_eq!(result.expect("fits"), 1);
    let code = quote::ToTokens::to_token_stream(&file).to_string();
    assert!(
        code.contains("sdk_paginate :: Paginated for ListRows"),
        "{code}"
    );
}

#[test]
fn an_unknown_operation_is_an_error_at_the_paths() {
    let text = error("operation = \"listRowz\"\nstyle = \"page\"\nitems = \"data\"");
    assert!(
        text.contains(
            "error[paginate-config] #/paths: codegen.toml [[paginate]] #1 (`listRowz`): no operation of the document has this id"
        ),
        "{text}"
    );
}

#[test]
fn unknown_parameters_and_fields_are_errors_at_the_operation() {
    let at = "error[paginate-config] #/paths/~1rows/get: codegen.toml [[paginate]] #1 (`listRows`)";
    for (declared, expected) in [
        (
            "style = \"offset\"\nitems = \"data\"",
            "the operation has no parameter `offset`",
        ),
        (
            "style = \"cursor\"\nparam = \"after\"\nnext_cursor = \"nextCursor\"",
            "the operation has no parameter `after`",
        ),
        (
            "style = \"page\"\nitems = \"rows\"",
            "`items`: `RowPage` has no field `rows`",
        ),
        (
            "style = \"page\"\nitems = \"data\"\ntotal_pages = \"pages\"",
            "`total_pages`: `RowPage` has no field `pages`",
        ),
        (
            "style = \"page\"\nitems = \"label\"",
            "`items`: label is not an array",
        ),
        (
            "style = \"page\"\nitems = \"data.id\"",
            "`items`: `id` is read from `Vec`, which is not a generated struct",
        ),
        (
            "style = \"page\"\nitems = \"data\"\ntotal_pages = \"label\"",
            "`total_pages`: `label` is not a number",
        ),
        (
            "style = \"cursor\"\nparam = \"page\"\nitems = \"data\"\nnext_cursor = \"totalPages\"",
            "`next_cursor`: `totalPages` is not a string",
        ),
    ] {
        let text = error(&format!("operation = \"listRows\"\n{declared}"));
        assert!(
            text.contains(&format!("{at}: {expected}")),
            "{declared}: expected {expected:?} in\n{text}"
        );
    }
}
