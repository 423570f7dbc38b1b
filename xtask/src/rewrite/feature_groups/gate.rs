//! Puts `#[cfg(feature = …)]` on progenitor's output. Operations: each `Client` method that
//! returns a `builder::X` and every item of `builder` owned by `X` get the operation's
//! feature. Types: an item of `types` (nested modules included) belongs to the type it
//! defines or implements, else to the first type it names. A type that the operations of one
//! group alone reach gets that group's feature; a type several groups reach (shared), or that
//! code outside the groups reaches (open), or that nothing reaches (and what it names) stays
//! ungated, so every feature compiles the shared types once and no `cfg` lists many features.
//! Names are matched as identifiers, so a mention that is not a reference (an enum variant
//! spelled like a type) only widens what stays ungated: never less than needed is compiled.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use syn::visit::Visit;

use crate::finding::Findings;
use crate::rewrite::{Pass, missing};
use crate::syntax::type_name;

/// What gating a file did (`gate_file`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Gated {
    /// The `cfg` attributes added.
    pub edits: usize,
    /// The types of `types`, by how they compile.
    pub counts: TypeCounts,
}

/// The types of `types` by how they compile; they add up to all of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TypeCounts {
    /// Reached by the operations of one group alone: behind that group's feature.
    pub one_group: usize,
    /// Reached by several groups: ungated.
    pub shared: usize,
    /// Reached by code outside the groups (or named by a type nothing reaches): ungated.
    pub open: usize,
    /// Reached by nothing (a schema no operation uses): ungated.
    pub unreached: usize,
}

/// Gates `file` by `groups` (operation → feature).
pub fn apply(
    file: &mut syn::File,
    groups: &BTreeMap<String, String>,
    pass: &Pass,
) -> Result<Gated, Findings> {
    let features: Vec<&str> = groups
        .values()
        .map(String::as_str)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let feature_index = |f: &str| features.iter().position(|x| *x == f).unwrap_or(0);
    let names = type_names(file);
    let mut roots: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); features.len()];
    let mut open = BTreeSet::new();
    let mut edits = 0;
    let mut findings = Findings::default();

    // Client methods: operation → builder; unknown operations are a missing target.
    let mut builders = HashMap::new();
    for item in &mut file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some() || !self_is(&block.self_ty, "Client") {
            open.extend(mentions(&*block, &names));
            continue;
        }
        for member in &mut block.items {
            let syn::ImplItem::Fn(f) = member else {
                open.extend(mentions(&*member, &names));
                continue;
            };
            let Some(builder) = builder_returned(&f.sig.output) else {
                open.extend(mentions(&*f, &names));
                continue;
            };
            let id = f.sig.ident.to_string();
            let Some(feature) = groups.get(&id) else {
                findings.push(missing(
                    pass,
                    "",
                    &format!("`Client::{id}`"),
                    "no operation of the document has this name",
                ));
                continue;
            };
            let g = feature_index(feature);
            builders.insert(builder, g);
            roots[g].extend(mentions(&*f, &names));
            f.attrs.push(cfg(feature));
            edits += 1;
        }
    }
    if builders.is_empty() && !groups.is_empty() {
        findings.push(missing(
            pass,
            "",
            "`impl Client`",
            "no method returns a `builder::…`",
        ));
    }
    if !findings.is_empty() {
        return Err(findings);
    }

    // The builders, and everything else outside `types`.
    for item in &mut file.items {
        match item {
            syn::Item::Mod(m) if m.ident == "types" => {}
            syn::Item::Mod(m) if m.ident == "builder" => {
                for inner in m.content.iter_mut().flat_map(|(_, items)| items) {
                    match owner_ident(inner).and_then(|o| builders.get(&o)) {
                        Some(&g) => {
                            roots[g].extend(mentions(&*inner, &names));
                            push_attr(inner, cfg(features[g]));
                            edits += 1;
                        }
                        None => open.extend(mentions(&*inner, &names)),
                    }
                }
            }
            syn::Item::Impl(block) if self_is(&block.self_ty, "Client") => {}
            other => open.extend(mentions(&*other, &names)),
        }
    }

    // The types: owners, the graph of mentions, and who reaches what.
    let Some(types) = module_items(file, "types") else {
        return Ok(Gated {
            edits,
            counts: TypeCounts::default(),
        });
    };
    let mut owners = Vec::new();
    let mut edges: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); names.len()];
    walk_types(types, &mut |item| {
        let named = mentions(item, &names);
        let owner = owner_ident(item)
            .and_then(|o| names.get(&o).copied())
            .or_else(|| {
                // Owned by the first type it names; each of those types reaches the others.
                let first = named.iter().next().copied()?;
                for &n in &named {
                    edges[n].insert(first);
                }
                Some(first)
            });
        if let Some(o) = owner {
            edges[o].extend(named.iter().filter(|&&n| n != o));
        }
        owners.push(owner);
    });
    let (gates, counts) = type_gates(&edges, &open, &roots);
    let gates: Vec<Option<syn::Attribute>> =
        gates.iter().map(|g| g.map(|g| cfg(features[g]))).collect();
    let mut at = 0;
    walk_types_mut(types, &mut |item| {
        if let Some(gate) = owners[at].and_then(|o| gates[o].clone()) {
            push_attr(item, gate);
            edits += 1;
        }
        at += 1;
    });
    Ok(Gated { edits, counts })
}

/// Per type, the one group it compiles with (`None`: ungated), and how many of each kind.
fn type_gates(
    edges: &[BTreeSet<usize>],
    open: &BTreeSet<usize>,
    roots: &[BTreeSet<usize>],
) -> (Vec<Option<usize>>, TypeCounts) {
    let reached: Vec<Vec<bool>> = roots.iter().map(|r| reach(edges, r)).collect();
    let groups_of =
        |t: usize| -> Vec<usize> { (0..roots.len()).filter(|&g| reached[g][t]).collect() };
    let groups: Vec<Vec<usize>> = (0..edges.len()).map(groups_of).collect();
    let openly = reach(edges, open);
    // Types nothing reaches stay ungated (a user may name them), and so does what they name.
    let unreached: BTreeSet<usize> = (0..edges.len())
        .filter(|&t| groups[t].is_empty() && !openly[t])
        .collect();
    let ungated = reach(edges, &open.union(&unreached).copied().collect());
    let mut counts = TypeCounts::default();
    let gates = groups
        .iter()
        .enumerate()
        .map(|(t, groups)| {
            match groups.as_slice() {
                [one] if !ungated[t] => {
                    counts.one_group += 1;
                    return Some(*one);
                }
                [_, _, ..] => counts.shared += 1,
                _ if unreached.contains(&t) => counts.unreached += 1,
                _ => counts.open += 1,
            }
            None
        })
        .collect();
    (gates, counts)
}

/// `#[cfg(feature = "…")]`.
fn cfg(feature: &str) -> syn::Attribute {
    syn::parse_quote!(#[cfg(feature = #feature)])
}

/// Every type defined at the top of `types`, numbered.
fn type_names(file: &mut syn::File) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for item in module_items(file, "types").into_iter().flatten() {
        let ident = match item {
            syn::Item::Struct(s) => &s.ident,
            syn::Item::Enum(e) => &e.ident,
            syn::Item::Type(t) => &t.ident,
            syn::Item::Union(u) => &u.ident,
            _ => continue,
        };
        let next = out.len();
        out.entry(ident.to_string()).or_insert(next);
    }
    out
}

fn module_items<'a>(file: &'a mut syn::File, name: &str) -> Option<&'a mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The items of `types` and of its nested modules, in order (modules themselves excluded).
fn walk_types(items: &[syn::Item], f: &mut impl FnMut(&syn::Item)) {
    for item in items {
        match item {
            syn::Item::Mod(m) => walk_types(m.content.as_ref().map_or(&[][..], |c| &c.1), f),
            other => f(other),
        }
    }
}

/// [`walk_types`], mutably, in the same order.
fn walk_types_mut(items: &mut [syn::Item], f: &mut impl FnMut(&mut syn::Item)) {
    for item in items {
        match item {
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = m.content.as_mut() {
                    walk_types_mut(inner, f);
                }
            }
            other => f(other),
        }
    }
}

/// The name an item defines, or the type an `impl` is for.
fn owner_ident(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        syn::Item::Union(u) => Some(u.ident.to_string()),
        syn::Item::Impl(block) => type_name(&block.self_ty),
        _ => None,
    }
}

fn self_is(ty: &syn::Type, name: &str) -> bool {
    type_name(ty).is_some_and(|i| i == name)
}

/// `X` in `-> builder::X<'_>`.
fn builder_returned(output: &syn::ReturnType) -> Option<String> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::Path(p) = ty.as_ref() else {
        return None;
    };
    let segments: Vec<_> = p.path.segments.iter().collect();
    match segments.as_slice() {
        [module, builder] if module.ident == "builder" => Some(builder.ident.to_string()),
        _ => None,
    }
}

fn push_attr(item: &mut syn::Item, attr: syn::Attribute) {
    let attrs = match item {
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Static(i) => &mut i.attrs,
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Trait(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Union(i) => &mut i.attrs,
        syn::Item::Use(i) => &mut i.attrs,
        _ => return,
    };
    attrs.push(attr);
}

/// The types of `names` that a piece of syntax mentions (as any identifier).
fn mentions<T: ?Sized>(node: &T, names: &HashMap<String, usize>) -> BTreeSet<usize>
where
    for<'a> Mentions<'a>: VisitNode<T>,
{
    let mut m = Mentions {
        names,
        found: BTreeSet::new(),
    };
    m.visit_node(node);
    m.found
}

struct Mentions<'a> {
    names: &'a HashMap<String, usize>,
    found: BTreeSet<usize>,
}

impl<'ast> Visit<'ast> for Mentions<'_> {
    fn visit_ident(&mut self, ident: &'ast syn::Ident) {
        if let Some(&n) = self.names.get(&ident.to_string()) {
            self.found.insert(n);
        }
    }
}

/// The syntax nodes [`mentions`] reads.
trait VisitNode<T: ?Sized> {
    fn visit_node(&mut self, node: &T);
}

impl VisitNode<syn::Item> for Mentions<'_> {
    fn visit_node(&mut self, node: &syn::Item) {
        self.visit_item(node);
    }
}

impl VisitNode<syn::ItemImpl> for Mentions<'_> {
    fn visit_node(&mut self, node: &syn::ItemImpl) {
        self.visit_item_impl(node);
    }
}

impl VisitNode<syn::ImplItem> for Mentions<'_> {
    fn visit_node(&mut self, node: &syn::ImplItem) {
        self.visit_impl_item(node);
    }
}

impl VisitNode<syn::ImplItemFn> for Mentions<'_> {
    fn visit_node(&mut self, node: &syn::ImplItemFn) {
        self.visit_impl_item_fn(node);
    }
}

/// Every type reachable from `from` along `edges`.
fn reach(edges: &[BTreeSet<usize>], from: &BTreeSet<usize>) -> Vec<bool> {
    let mut seen = vec![false; edges.len()];
    let mut stack: Vec<usize> = from.iter().copied().collect();
    while let Some(t) = stack.pop() {
        if std::mem::replace(&mut seen[t], true) {
            continue;
        }
        stack.extend(edges[t].iter().copied().filter(|&n| !seen[n]));
    }
    seen
}
