//! Path parameters encoded as OpenAPI says. Its `simple` style (the only one for path
//! parameters) is RFC 6570 simple string expansion: every character but the unreserved ones
//! (`A-Z a-z 0-9 - . _ ~`) is percent-encoded. progenitor's `encode_path` leaves sub-delimiters
//! (`& = + ; , $ ! ' ( ) * :` and `@`) as they are, which a server may read otherwise (`;` as a
//! matrix parameter, `,` as a list separator); the client gets its own `encode_path` instead.

use super::{Input, Pass, missing};
use crate::finding::Findings;

pub const PASS: Pass = Pass {
    name: "path-encoding",
    what: "progenitor's `encode_path` import is replaced by a local RFC 6570 encoder",
    why: "progenitor leaves sub-delimiters (`+ ; , & =` …) raw in path parameters, which servers may read otherwise",
    run,
};

fn run(file: &mut syn::File, _: &Input<'_>) -> Result<usize, Findings> {
    if encode_strictly(file) {
        return Ok(1);
    }
    let mut findings = Findings::default();
    findings.push(missing(
        &PASS,
        "",
        "`use progenitor_client::{…}`",
        "no `encode_path` import to replace",
    ));
    Err(findings)
}

/// Replaces the `encode_path` imported from `progenitor_client` by a local one (unused, like
/// progenitor's import, when there are no path parameters); `false` if there was no import.
fn encode_strictly(file: &mut syn::File) -> bool {
    let mut found = false;
    for item in &mut file.items {
        let syn::Item::Use(import) = item else {
            continue;
        };
        let syn::UseTree::Path(path) = &mut import.tree else {
            continue;
        };
        if path.ident != "progenitor_client" {
            continue;
        }
        let syn::UseTree::Group(group) = &mut *path.tree else {
            continue;
        };
        let before = group.items.len();
        group.items = std::mem::take(&mut group.items)
            .into_iter()
            .filter(|tree| !matches!(tree, syn::UseTree::Name(n) if n.ident == "encode_path"))
            .collect();
        found |= group.items.len() < before;
    }
    if found {
        file.items.push(syn::parse_quote! {
            /// Percent-encodes a path parameter as OpenAPI's `simple` style does (RFC 6570
            /// simple string expansion): every byte but `A-Z a-z 0-9 - . _ ~`.
            #[allow(dead_code)]
            fn encode_path(pc: &str) -> String {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                let mut out = String::with_capacity(pc.len());
                for byte in pc.bytes() {
                    if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                        out.push(char::from(byte));
                    } else {
                        out.push('%');
                        out.push(char::from(HEX[usize::from(byte >> 4)]));
                        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
                    }
                }
                out
            }
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn the_progenitor_import_gives_way_to_a_strict_encoder() {
        let mut file: syn::File = syn::parse_quote! {
            use progenitor_client::{encode_path, ClientHooks};
            fn path(id: &str) -> String { encode_path(id) }
        };
        assert!(encode_strictly(&mut file));
        let text = file.to_token_stream().to_string();
        assert!(
            text.contains("use progenitor_client :: { ClientHooks }"),
            "{text}"
        );
        assert!(text.contains("fn encode_path (pc : & str)"), "{text}");
    }

    #[test]
    fn code_without_path_parameters_is_left_alone() {
        let mut file: syn::File = syn::parse_quote! {
            use progenitor_client::{ClientHooks};
        };
        assert!(!encode_strictly(&mut file));
        assert_eq!(file.items.len(), 1);
    }
}
