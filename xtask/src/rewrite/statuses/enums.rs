//! One group's enum: a variant per recorded status, its type in `mod types`, and the match
//! arm that reads each status into its variant.

use std::collections::BTreeSet;

use proc_macro2::Span;
use quote::format_ident;
use syn::visit_mut::{self, VisitMut};

use crate::names;
use crate::normalise::{Body, Group, Status};
use crate::syntax::type_name;

/// The enum of one group of an operation (`<Op>Response` or `<Op>Error`).
pub struct PerStatus {
    group: Group,
    op_id: String,
    ident: syn::Ident,
    variants: Vec<Variant>,
}

/// One variant: its name, its payload as `mod types` names it and as `send` (in `builder`)
/// names it, and how it is read.
struct Variant {
    name: syn::Ident,
    payload: Option<(syn::Type, syn::Type)>,
    status: Status,
    raw: bool,
}

impl PerStatus {
    /// The enum of `statuses`; `kept` is the type progenitor gave the group's kept body (as
    /// `send` names it), `taken` the names `mod types` already has (the enum's is added).
    pub fn new(
        group: Group,
        op_id: &str,
        statuses: &[Status],
        kept: &syn::Type,
        taken: &mut BTreeSet<String>,
    ) -> Result<PerStatus, String> {
        let kept_raw = type_name(kept).is_some_and(|n| n == "ByteStream");
        let base = format!("{}{}", names::sanitize_pascal(op_id), group.suffix());
        let name = (1..)
            .map(|n| match n {
                1 => base.clone(),
                2 => format!("{base}ByStatus"),
                n => format!("{base}ByStatus{n}"),
            })
            .find(|n| !taken.contains(n))
            .unwrap_or(base);
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
                    let mut local = kept.clone();
                    StripTypes.visit_type_mut(&mut local);
                    (Some((local, kept.clone())), false)
                }
                Body::Json(component) => {
                    if !taken.contains(component) {
                        return Err(format!(
                            "no type `{component}` in `mod types` for response `{}`",
                            status.code
                        ));
                    }
                    let local = syn::Ident::new(component, Span::call_site());
                    let outer: syn::Type = syn::parse_quote!(types::#local);
                    (Some((syn::parse_quote!(#local), outer)), false)
                }
            };
            variants.push(Variant {
                name: syn::Ident::new(&vname, Span::call_site()),
                payload,
                status: status.clone(),
                raw,
            });
        }
        taken.insert(name.clone());
        Ok(PerStatus {
            group,
            op_id: op_id.to_owned(),
            ident: format_ident!("{}", name),
            variants,
        })
    }

    pub fn group(&self) -> Group {
        self.group
    }

    /// `types::<Enum>`, as `send` names it.
    pub fn path(&self) -> syn::Type {
        let ident = &self.ident;
        syn::parse_quote!(types::#ident)
    }

    /// One arm per status, reading the body into its variant (`error`: the operation's error
    /// body type, as `send` names it).
    pub fn arms(&self, error: &syn::Type) -> Vec<syn::Arm> {
        self.variants.iter().map(|v| self.arm(v, error)).collect()
    }

    fn arm(&self, v: &Variant, error: &syn::Type) -> syn::Arm {
        let pat: syn::Pat = match v.status.code.parse::<u16>() {
            Ok(code) => syn::parse_quote!(#code),
            Err(_) => {
                // A class such as `2XX` or `4XX`.
                let class = v.status.code.chars().next().and_then(|c| c.to_digit(10));
                let low = u16::try_from(class.unwrap_or(2)).unwrap_or(2) * 100;
                let high = low + 99;
                syn::parse_quote!(#low..=#high)
            }
        };
        let (ident, name) = (&self.ident, &v.name);
        let value: syn::Expr = match &v.payload {
            None => syn::parse_quote!(types::#ident::#name),
            Some(_) if v.raw => syn::parse_quote! {
                types::#ident::#name(
                    response.bytes().await.map_err(Error::ResponseBodyError)?.to_vec()
                )
            },
            Some((_, outer)) => syn::parse_quote! {
                types::#ident::#name(
                    ResponseValue::<#outer>::from_response::<#error>(response)
                        .await?
                        .into_inner()
                )
            },
        };
        let wrapped: syn::Expr = match self.group {
            Group::Success => syn::parse_quote!(Ok(value)),
            Group::Error => syn::parse_quote!(Err(Error::ErrorResponse(value))),
        };
        syn::parse_quote! {
            #pat => {
                let (status, headers) = (response.status(), response.headers().clone());
                let value = ResponseValue::new(#value, status, headers);
                #wrapped
            }
        }
    }

    /// `pub enum <Op>Response { Ok(Thing), Created(Thing), NoContent, … }`.
    pub fn item(&self) -> syn::Item {
        let doc = format!(
            "The documented {} of `{}`, one variant per status (the exact status is \
             `ResponseValue::status()`). Serialises as the body alone.",
            match self.group {
                Group::Success => "successes",
                Group::Error => "error bodies",
            },
            self.op_id
        );
        let variants = self.variants.iter().map(|v| {
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
        let ident = &self.ident;
        syn::parse_quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, ::serde::Deserialize, ::serde::Serialize)]
            #[serde(untagged)]
            pub enum #ident {
                #(#variants,)*
            }
        }
    }
}

fn bytes() -> (syn::Type, syn::Type) {
    let t: syn::Type = syn::parse_quote!(::std::vec::Vec<u8>);
    (t.clone(), t)
}

/// Variant names of the statuses with a common name; `Status<code>` for the others.
const NAMES: &[(&str, &str)] = &[
    ("200", "Ok"),
    ("201", "Created"),
    ("202", "Accepted"),
    ("203", "NonAuthoritativeInformation"),
    ("204", "NoContent"),
    ("205", "ResetContent"),
    ("206", "PartialContent"),
    ("207", "MultiStatus"),
    ("208", "AlreadyReported"),
    ("226", "ImUsed"),
    ("304", "NotModified"),
    ("2XX", "Success"),
    ("400", "BadRequest"),
    ("401", "Unauthorized"),
    ("402", "PaymentRequired"),
    ("403", "Forbidden"),
    ("404", "NotFound"),
    ("405", "MethodNotAllowed"),
    ("406", "NotAcceptable"),
    ("407", "ProxyAuthenticationRequired"),
    ("408", "RequestTimeout"),
    ("409", "Conflict"),
    ("410", "Gone"),
    ("411", "LengthRequired"),
    ("412", "PreconditionFailed"),
    ("413", "ContentTooLarge"),
    ("414", "UriTooLong"),
    ("415", "UnsupportedMediaType"),
    ("416", "RangeNotSatisfiable"),
    ("417", "ExpectationFailed"),
    ("421", "MisdirectedRequest"),
    ("422", "UnprocessableEntity"),
    ("423", "Locked"),
    ("424", "FailedDependency"),
    ("425", "TooEarly"),
    ("426", "UpgradeRequired"),
    ("428", "PreconditionRequired"),
    ("429", "TooManyRequests"),
    ("431", "RequestHeaderFieldsTooLarge"),
    ("451", "UnavailableForLegalReasons"),
    ("4XX", "ClientError"),
    ("500", "InternalServerError"),
    ("501", "NotImplemented"),
    ("502", "BadGateway"),
    ("503", "ServiceUnavailable"),
    ("504", "GatewayTimeout"),
    ("505", "HttpVersionNotSupported"),
    ("507", "InsufficientStorage"),
    ("508", "LoopDetected"),
    ("511", "NetworkAuthenticationRequired"),
    ("5XX", "ServerError"),
];

/// `Ok` for 200, `NotFound` for 404, `Success` for `2XX`, … , `Status<code>` otherwise.
fn variant_name(code: &str) -> String {
    NAMES
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map_or_else(
            || format!("Status{}", names::sanitize_pascal(code)),
            |(_, name)| (*name).to_owned(),
        )
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
