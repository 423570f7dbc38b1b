//! Bridge error bodies: one reading of the lenient generated `ApiError` (documented and
//! observed shapes), used by [`crate::Error`].

use std::borrow::Cow;

use serde_json::Value;

#[cfg(feature = "bridge-undocumented")]
use super::undocumented;
use super::{baas, collections};
use crate::error::ErrorBody;

mod sealed {
    use serde_json::Value;

    /// The fields of a generated `ApiError`, independent of which module generated it.
    pub struct ErrorView<'a> {
        pub nested_code: Option<&'a str>,
        pub nested_message: Option<&'a str>,
        pub nested_details: Option<&'a Value>,
        pub error_text: Option<&'a str>,
        pub code: Option<&'a str>,
        pub message: Option<Vec<&'a str>>,
        pub details: Option<&'a Value>,
        pub status_code: Option<i64>,
    }

    pub trait Sealed {
        fn view(&self) -> ErrorView<'_>;
    }
}

/// Accessors that pick the right field of a lenient generated `ApiError`
/// (`baas::types::ApiError`, `collections::types::ApiError`, and
/// `undocumented::types::ApiError` with the feature).
///
/// The nested documented object wins over the top-level NestJS-style fields:
///
/// | Body | `code()` | `message()` |
/// |---|---|---|
/// | `{"error":{"code":"NOT_FOUND","message":"Resource not found"}}` | `NOT_FOUND` | `Resource not found` |
/// | `{"statusCode":500,"code":"22P02","error":"Internal Server Error","message":"invalid input…"}` | `22P02` | `invalid input…` |
/// | `{"message":"Failed to create loan","error":"[object Object]"}` | `None` | `Failed to create loan` |
/// | `{"error":"Bad Gateway"}` | `None` | `Bad Gateway` |
pub trait ApiErrorExt: sealed::Sealed {
    /// `error.code`, else the top-level `code`.
    fn code(&self) -> Option<&str> {
        let view = self.view();
        view.nested_code.or(view.code)
    }

    /// `error.message`, else the top-level `message` (a list of messages is joined with
    /// `"; "`), else a string `error` that is not a stringified object.
    fn message(&self) -> Option<Cow<'_, str>> {
        let view = self.view();
        view.nested_message
            .map(Cow::Borrowed)
            .or_else(|| match view.message.as_deref() {
                Some([]) | None => None,
                Some([one]) => Some(Cow::Borrowed(*one)),
                Some(many) => Some(Cow::Owned(many.join("; "))),
            })
            .or_else(|| {
                view.error_text
                    .filter(|text| !text.starts_with("[object"))
                    .map(Cow::Borrowed)
            })
    }

    /// `error.details`, else the top-level `details`.
    fn details(&self) -> Option<&Value> {
        let view = self.view();
        view.nested_details.or(view.details)
    }

    /// The HTTP status repeated in NestJS-style bodies (`statusCode`).
    fn status_code(&self) -> Option<i64> {
        self.view().status_code
    }

    /// The `error` member when it is a plain string (NestJS reason phrase such as
    /// `"Internal Server Error"`, or the useless `"[object Object]"`).
    fn error_text(&self) -> Option<&str> {
        self.view().error_text
    }
}

/// Implements the sealed view for the `ApiError` of each generated module (the modules
/// generate structurally identical but distinct types).
macro_rules! api_error_view {
    ($($module:ident),+) => {$(
        impl sealed::Sealed for $module::types::ApiError {
            fn view(&self) -> sealed::ErrorView<'_> {
                use $module::types::{ApiErrorInfo, ApiErrorMessage};
                let (nested, error_text) = match &self.error {
                    Some(ApiErrorInfo::ApiErrorDetail(detail)) => (Some(detail), None),
                    Some(ApiErrorInfo::String(text)) => (None, Some(text.as_str())),
                    None => (None, None),
                };
                sealed::ErrorView {
                    nested_code: nested.and_then(|d| d.code.as_deref()),
                    nested_message: nested.and_then(|d| d.message.as_deref()),
                    nested_details: nested.and_then(|d| d.details.as_ref()),
                    error_text,
                    code: self.code.as_deref(),
                    message: self.message.as_ref().map(|message| match message {
                        ApiErrorMessage::String(one) => vec![one.as_str()],
                        ApiErrorMessage::Array(many) => many.iter().map(String::as_str).collect(),
                    }),
                    details: self.details.as_ref(),
                    status_code: self.status_code,
                }
            }
        }
        impl ApiErrorExt for $module::types::ApiError {}

        crate::error::sealed::json_error_body!($module::types::ApiError);

        impl ErrorBody for $module::types::ApiError {
            fn code(&self) -> Option<&str> {
                ApiErrorExt::code(self)
            }
            fn message(&self) -> Option<Cow<'_, str>> {
                ApiErrorExt::message(self)
            }
            fn details(&self) -> Option<Value> {
                ApiErrorExt::details(self).cloned()
            }
        }
    )+};
}

api_error_view!(baas, collections);
#[cfg(feature = "bridge-undocumented")]
api_error_view!(undocumented);
