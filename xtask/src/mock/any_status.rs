//! `status`, `json`, `body` and `header` on every operation's `Then`.
//!
//! progenitor types only the answers a spec documents (`ok(&T)`, `forbidden(&E)`), so an
//! outage (503), a rate limit (429 with `Retry-After`) or a body the spec does not describe
//! would otherwise need `then.into_inner()` and httpmock's own API, found by reading the
//! generated code. One macro, invoked once with every `Then`, keeps the generated file short;
//! it is written here as text because prettyplease cannot lay out a macro's body, and users
//! read the generated file. None of these names can collide with progenitor's: its methods are
//! named after status reasons (`ok`, `not_found`), ranges (`success`, `server_error`),
//! `default_response`, `new` and `into_inner`.

/// The macro, as it appears in every generated `mock.rs`.
pub const MACRO: &str = r#"/// Adds the answers every operation can give, documented or not, to its `Then`:
/// `status`, `json`, `body` and `header` (httpmock's own `Then` stays reachable through
/// `into_inner()`).
macro_rules! any_status {
    ($($then:ident),* $(,)?) => {$(
        impl operations::$then {
            /// Answers `status`, documented or not (a 503 outage, a 429), with no body yet:
            /// chain [`json`](Self::json), [`body`](Self::body) or [`header`](Self::header).
            /// The typed methods (`ok`, `bad_request`, …) cover the statuses the spec
            /// documents.
            pub fn status(self, status: u16) -> Self {
                Self::new(self.into_inner().status(status))
            }

            /// Answers `value` as JSON (`Content-Type: application/json`): the API's
            /// generated error type, or `serde_json::json!({...})` for a shape the spec does
            /// not document.
            ///
            /// # Panics
            /// If `value` cannot be written as JSON (a map with non-string keys, say).
            pub fn json<T: ::serde::Serialize + ?Sized>(self, value: &T) -> Self {
                Self::new(
                    self.into_inner()
                        .header("content-type", "application/json")
                        .json_body_obj(value),
                )
            }

            /// Answers `body` as it is (text or bytes), for an answer that is not JSON; set
            /// its `content-type` with [`header`](Self::header).
            pub fn body(self, body: impl AsRef<[u8]>) -> Self {
                Self::new(self.into_inner().body(body))
            }

            /// Adds a response header (`retry-after`, a request id).
            pub fn header(self, name: &str, value: &str) -> Self {
                Self::new(self.into_inner().header(name, value))
            }
        }
    )*};
}
"#;

/// `any_status!(..);` over `thens`, one per line.
pub fn invocation(thens: &[syn::Ident]) -> String {
    let lines: String = thens.iter().map(|t| format!("    {t},\n")).collect();
    format!("any_status!(\n{lines});\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_macro_and_its_invocation_parse_as_items() {
        let thens = [
            quote::format_ident!("GetThingThen"),
            quote::format_ident!("PutThingThen"),
        ];
        let text = format!("{MACRO}\n{}", invocation(&thens));
        let file = syn::parse_file(&text).expect("parses");
        assert_eq!(file.items.len(), 2, "{text}");
        assert!(text.ends_with("any_status!(\n    GetThingThen,\n    PutThingThen,\n);\n"));
    }
}
