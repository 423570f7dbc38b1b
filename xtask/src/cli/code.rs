//! The emitted Rust: per API a table of operations and a `call` dispatch; at the root, the
//! list of APIs and a dispatch by API name. What the hand-written CLI defines (`crate::table`,
//! `crate::input::Input`, `crate::failure::Failure`) and offers (`crate::apis::<api>::<service>()`
//! connectors, `crate::apis::check_request`, `crate::output::{json, empty, all}`) is the contract
//! between the two halves.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::builders::{self, Builder, Success};
use super::spec::{self, ValueShape};
use super::{ApiModule, LeftOut};
use crate::config::{Paginate, Service};
use crate::finding::Findings;
use crate::names;

/// One operation ready to emit.
pub struct Operation {
    /// What the spec says.
    pub spec: spec::Op,
    /// The service module, for the connector (`crate::apis::<api>::<module>()`).
    service: Option<String>,
    /// The feature gate of its service.
    gate: Option<String>,
    /// Per parameter: its spec, the type to read, and how it is set.
    params: Vec<(spec::Param, syn::Type, Arity)>,
    /// The body type and whether it is optional.
    body: Option<(syn::Type, bool)>,
    /// What a success prints.
    success: Success,
    /// A paginated operation (`[[paginate]]`): `--all` follows every page; the flag of its
    /// position parameter, which `--all` sets itself (empty if the position has no flag).
    pages: Option<String>,
}

/// How a builder field is filled.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Arity {
    Required,
    Optional,
    List,
    OptionalList,
}

impl Operation {
    /// Matches the spec's operation with its builder.
    ///
    /// # Errors
    /// Why the command line cannot express the operation.
    pub fn new(
        op: &spec::Op,
        service: Option<&Service>,
        client_path: &syn::Path,
        builders: &BTreeMap<String, Builder>,
        pages: Option<&Paginate>,
    ) -> Result<Self, String> {
        let builder = builders
            .get(&op.method_name)
            .ok_or_else(|| format!("the client has no method `{}`", op.method_name))?;
        if let Success::Unsupported(reason) = &builder.success {
            return Err(reason.clone());
        }
        let mut params = Vec::new();
        let mut body = None;
        for (field, ty) in &builder.fields {
            if let Some(param) = op.params.iter().find(|p| p.rust_name == *field) {
                let (inner, optional) = unwrap(ty, "Option");
                let (inner, list) = unwrap(&inner, "Vec");
                let arity = match (optional, list) {
                    (false, false) => Arity::Required,
                    (true, false) => Arity::Optional,
                    (false, true) => Arity::List,
                    (true, true) => Arity::OptionalList,
                };
                let inner = builders::absolute(&inner, client_path)
                    .map_err(|e| format!("parameter `{field}`: {e}"))?;
                let mut param = param.clone();
                param.required = matches!(arity, Arity::Required | Arity::List);
                params.push((param, inner, arity));
            } else if field == "body" && op.body.is_some() {
                let (inner, optional) = unwrap(ty, "Option");
                let optional = optional || !op.body.as_ref().is_some_and(|b| b.required);
                body = Some((
                    builders::absolute(&inner, client_path).map_err(|e| format!("body: {e}"))?,
                    optional,
                ));
            } else {
                return Err(format!(
                    "builder field `{field}` matches no parameter of the spec"
                ));
            }
        }
        if let Some(missing) = op
            .params
            .iter()
            .find(|p| !params.iter().any(|(q, _, _)| q.rust_name == p.rust_name))
        {
            return Err(format!(
                "{} parameter `{}` has no builder setter",
                missing.location, missing.flag
            ));
        }
        // Flags in the spec's order (the builder's fields are sorted by name).
        params.sort_by_key(|(p, _, _)| op.params.iter().position(|q| q.rust_name == p.rust_name));
        let pages = pages.map(|declared| {
            let position = names::sanitize_snake(declared.param());
            op.params
                .iter()
                .find(|p| p.rust_name == position)
                .map(|p| p.flag.clone())
                .unwrap_or_default()
        });
        Ok(Self {
            spec: op.clone(),
            service: service.map(|s| s.module.clone()),
            gate: service.and_then(|s| s.feature.clone()),
            params,
            body,
            success: builder.success.clone(),
            pages,
        })
    }

    fn cfg(&self, api: &str) -> TokenStream {
        match &self.gate {
            Some(f) => {
                let feature = format!("{api}-{f}");
                quote!(#[cfg(feature = #feature)])
            }
            None => quote!(),
        }
    }

    /// The table entry.
    fn entry(&self, api: &str) -> TokenStream {
        let spec::Op {
            command,
            summary,
            description,
            http_method,
            path,
            ..
        } = &self.spec;
        let cfg = self.cfg(api);
        let service = self.service.clone().unwrap_or_default();
        let pages = match &self.pages {
            Some(position) => quote!(Some(Pages { position: #position })),
            None => quote!(None),
        };
        let params = self.params.iter().map(|(p, _, arity)| {
            let (flag, location, required, description) =
                (&p.flag, &p.location, p.required, &p.description);
            let repeated = matches!(arity, Arity::List | Arity::OptionalList);
            let value = shape(&p.value);
            quote! {
                Param { flag: #flag, location: #location, required: #required, repeated: #repeated, description: #description, value: #value }
            }
        });
        let body = match &self.spec.body {
            Some(body) if self.body.is_some() => {
                let required = body.required;
                let fields = body.fields.iter().map(|f| {
                    let (member, flag, required, description) =
                        (&f.member, &f.flag, f.required, &f.description);
                    let value = shape(&f.value);
                    quote! {
                        Field { member: #member, flag: #flag, required: #required, description: #description, value: #value }
                    }
                });
                quote!(Some(Body { required: #required, fields: &[#(#fields),*] }))
            }
            _ => quote!(None),
        };
        quote! {
            #cfg
            Operation {
                name: #command,
                summary: #summary,
                description: #description,
                method: #http_method,
                path: #path,
                service: #service,
                params: &[#(#params),*],
                body: #body,
                pages: #pages,
            }
        }
    }

    /// The match arm of `call`.
    fn arm(&self, name: &str, api: &syn::Ident) -> TokenStream {
        let cfg = self.cfg(name);
        let command = &self.spec.command;
        let method = format_ident!("{}", self.spec.method_name);
        let connector = match &self.service {
            Some(module) => format_ident!("{}", module),
            None => format_ident!("client"),
        };
        let mut reads = Vec::new();
        let mut sets = Vec::new();
        for (param, ty, arity) in &self.params {
            let flag = &param.flag;
            let var = format_ident!("p_{}", param.rust_name.trim_end_matches('_'));
            let setter = format_ident!("{}", param.rust_name);
            match arity {
                Arity::Required => {
                    reads.push(quote!(let #var = input.required::<#ty>(#flag)?;));
                    sets.push(quote!(let request = request.#setter(#var);));
                }
                Arity::Optional => {
                    reads.push(quote!(let #var = input.optional::<#ty>(#flag)?;));
                    sets.push(quote! {
                        let request = match #var { Some(value) => request.#setter(value), None => request };
                    });
                }
                Arity::List => {
                    reads.push(quote!(let #var = input.list::<#ty>(#flag)?;));
                    sets.push(quote!(let request = request.#setter(#var);));
                }
                Arity::OptionalList => {
                    reads.push(quote!(let #var = input.list::<#ty>(#flag)?;));
                    sets.push(quote! {
                        let request = if #var.is_empty() { request } else { request.#setter(#var) };
                    });
                }
            }
        }
        match &self.body {
            Some((ty, false)) => {
                reads.push(quote! {
                    let body = input.body::<#ty>()?;
                    crate::apis::check_request(&body)?;
                });
                sets.push(quote!(let request = request.body(body);));
            }
            Some((ty, true)) => {
                reads.push(quote! {
                    let body = input.optional_body::<#ty>()?;
                    if let Some(body) = &body { crate::apis::check_request(body)?; }
                });
                sets.push(quote! {
                    let request = match body { Some(body) => request.body(body), None => request };
                });
            }
            None => {}
        }
        let print = match (&self.success, &self.pages) {
            (Success::Empty, _) => quote!(crate::output::empty(API, request.send().await)),
            (_, Some(_)) => quote! {
                if input.all() {
                    crate::output::all(request).await
                } else {
                    crate::output::json(API, request.send().await)
                }
            },
            _ => quote!(crate::output::json(API, request.send().await)),
        };
        quote! {
            #cfg
            #command => {
                #(#reads)*
                let client = crate::apis::#api::#connector()?;
                let request = client.#method();
                #(#sets)*
                #print
            }
        }
    }
}

/// `ty` without one wrapper named `wrapper` (`Option<T>` → `T`), and whether it had it.
fn unwrap(ty: &syn::Type, wrapper: &str) -> (syn::Type, bool) {
    match crate::syntax::generic_arg(ty, wrapper, 0) {
        Some(inner) => (inner, true),
        None => (ty.clone(), false),
    }
}

fn shape(value: &ValueShape) -> TokenStream {
    let (text, placeholder, choices) = (value.text, &value.placeholder, &value.choices);
    quote!(Shape { text: #text, placeholder: #placeholder, choices: &[#(#choices),*] })
}

/// The module of one API.
///
/// # Errors
/// If the emitted code does not parse (a bug of this emitter).
pub fn api(
    name: &str,
    ident: &str,
    banner: &str,
    ops: &[Operation],
    left_out: &[LeftOut],
) -> Result<String, String> {
    let api = format_ident!("{}", ident);
    let entries = ops.iter().map(|o| o.entry(name));
    let arms = ops.iter().map(|o| o.arm(name, &api));
    let has_params = ops.iter().any(|o| !o.params.is_empty());
    let has_fields = ops
        .iter()
        .any(|o| o.body.is_some() && o.spec.body.as_ref().is_some_and(|b| !b.fields.is_empty()));
    let table_names = [
        ("Body", ops.iter().any(|o| o.body.is_some())),
        ("Field", has_fields),
        ("Operation", true),
        ("Pages", ops.iter().any(|o| o.pages.is_some())),
        ("Param", has_params),
        ("Shape", has_params || has_fields),
    ]
    .into_iter()
    .filter(|(_, used)| *used)
    .map(|(name, _)| format_ident!("{}", name));
    let tokens = quote! {
        use crate::failure::Failure;
        use crate::input::Input;
        use crate::table::{#(#table_names),*};

        /// The API's name on the command line.
        pub const API: &str = #name;

        /// Every operation, in the document's order.
        pub const OPERATIONS: &[Operation] = &[#(#entries),*];

        /// Runs `operation` with the flags in `input`: reads every flag into the type the
        /// generated client takes, then sends through the client.
        pub async fn call(operation: &str, input: &Input<'_>) -> Result<Option<serde_json::Value>, Failure> {
            match operation {
                #(#arms)*
                _ => Err(Failure::unknown_operation(API, operation)),
            }
        }
    };
    let code = crate::progenitor::format(tokens).map_err(|f| f.to_string())?;
    let mut header = format!(
        "{banner}\n//! The `{name}` commands: one per operation of the generated client `generated/{name}/`.\n"
    );
    if !left_out.is_empty() {
        header.push_str("//!\n//! Left out of the command line (call them from Rust):\n");
        for l in left_out {
            header.push_str(&format!("//! - `{}`: {}\n", l.command, l.reason));
        }
    }
    Ok(format!("{header}\n{code}"))
}

/// `mod.rs`: the API modules, their list and the dispatch by API name.
///
/// # Errors
/// If the emitted code does not parse (a bug of this emitter).
pub fn root(modules: &[ApiModule]) -> Result<String, Findings> {
    let idents: Vec<syn::Ident> = modules
        .iter()
        .map(|m| format_ident!("{}", m.ident))
        .collect();
    let entries = modules.iter().zip(&idents).map(|(m, ident)| {
        let (name, title, description) = (&m.name, &m.title, &m.description);
        quote! { Api { name: #name, title: #title, description: #description, operations: #ident::OPERATIONS } }
    });
    let arms = modules.iter().zip(&idents).map(|(m, ident)| {
        let name = &m.name;
        quote!(#name => #ident::call(operation, input).await,)
    });
    let tokens = quote! {
        #(pub mod #idents;)*

        use crate::failure::Failure;
        use crate::input::Input;
        use crate::table::Api;

        /// Every API, by name.
        pub const APIS: &[Api] = &[#(#entries),*];

        /// Runs `operation` of `api`.
        pub async fn call(api: &str, operation: &str, input: &Input<'_>) -> Result<Option<serde_json::Value>, Failure> {
            match api {
                #(#arms)*
                _ => Err(Failure::unknown_operation(api, operation)),
            }
        }
    };
    let code = crate::progenitor::format(tokens)?;
    Ok(format!(
        "// @generated by xtask. DO NOT EDIT: every change here is overwritten.\n\
         // Regenerate: cargo xtask regen   (CI checks with `cargo xtask check`)\n\
         // Generator: xtask/src/cli, from each API's normalised spec and generated client.\n\
         \n//! The generated half of the command line: one module per API (`specs/<api>/`).\n\n{code}"
    ))
}
