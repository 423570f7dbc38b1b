//! Reading a crate's public items from its source files with `syn`, module by module from
//! `src/lib.rs`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use quote::ToTokens;

use super::syntax::{
    compact, feature, has, is_pub, key, leaf, rename, sealed, tokens, type_path, type_tokens, uses,
    value_tokens,
};

use super::{Api, Item, Kind, Role};
use crate::diff::ReadError;
use crate::syntax;
use crate::tree::Files;

/// A link as written, resolved once every item is known.
struct RawLink {
    item: String,
    role: Role,
    module: Vec<String>,
    path: Vec<String>,
}

struct Reader<'a> {
    files: &'a Files,
    api: Api,
    /// `(type path, field)` → whether its builder starts it as `Err` (must be set).
    required: BTreeMap<(String, String), bool>,
    links: Vec<RawLink>,
}

pub(super) fn crate_api(files: &Files) -> Result<Api, ReadError> {
    let mut reader = Reader {
        files,
        api: Api::default(),
        required: BTreeMap::new(),
        links: Vec::new(),
    };
    reader.file(&PathBuf::from("src/lib.rs"), &[], None)?;
    let Reader {
        mut api,
        required,
        links,
        ..
    } = reader;
    for ((ty, field), is_required) in required {
        if let Some(item) = api.items.get_mut(&format!("{ty}::{field}"))
            && item.kind == Kind::Method
        {
            item.required = Some(is_required);
        }
    }
    for link in links {
        // `types::X` inside `builder` means `super::types::X` (progenitor's `use super::types`):
        // try the module, then each of its ancestors.
        let found = (0..=link.module.len()).rev().find_map(|depth| {
            let key = key(&link.module[..depth], &link.path.join("::"));
            api.items.contains_key(&key).then_some(key)
        });
        if let (Some(target), Some(item)) = (found, api.items.get_mut(&link.item)) {
            item.links.push((link.role, target));
        }
    }
    Ok(api)
}

impl Reader<'_> {
    fn file(
        &mut self,
        path: &PathBuf,
        module: &[String],
        cfg: Option<&str>,
    ) -> Result<(), ReadError> {
        let Some(text) = self.files.get(path) else {
            return Ok(());
        };
        let parsed = syn::parse_file(text).map_err(|e| ReadError {
            what: path.display().to_string(),
            message: format!("does not parse as Rust: {e}"),
        })?;
        self.items(&parsed.items, module, cfg)
    }

    fn items(
        &mut self,
        items: &[syn::Item],
        module: &[String],
        cfg: Option<&str>,
    ) -> Result<(), ReadError> {
        for item in items {
            self.item(item, module, cfg)?;
        }
        Ok(())
    }

    fn add(&mut self, path: String, mut item: Item, cfg: Option<&str>) {
        item.cfg = cfg.map(str::to_owned);
        self.api.items.insert(path, item);
    }

    fn item(
        &mut self,
        item: &syn::Item,
        module: &[String],
        cfg: Option<&str>,
    ) -> Result<(), ReadError> {
        match item {
            syn::Item::Mod(m) if is_pub(&m.vis) => {
                let own = feature(&m.attrs);
                let cfg = own.as_deref().or(cfg);
                let mut inner = module.to_vec();
                inner.push(m.ident.to_string());
                self.add(
                    key(module, &m.ident.to_string()),
                    Item::new(Kind::Module, String::new()),
                    cfg,
                );
                match &m.content {
                    Some((_, items)) => self.items(items, &inner, cfg)?,
                    None => {
                        let base = format!("src/{}", inner.join("/"));
                        let file = [format!("{base}.rs"), format!("{base}/mod.rs")]
                            .into_iter()
                            .map(PathBuf::from)
                            .find(|p| self.files.contains_key(p))
                            .unwrap_or_else(|| PathBuf::from(format!("{base}.rs")));
                        self.file(&file, &inner, cfg)?;
                    }
                }
            }
            syn::Item::Struct(s) if is_pub(&s.vis) => self.structure(s, module, cfg),
            syn::Item::Enum(e) if is_pub(&e.vis) => self.enumeration(e, module, cfg),
            syn::Item::Fn(f) if is_pub(&f.vis) => {
                let path = key(module, &f.sig.ident.to_string());
                self.add(path, Item::new(Kind::Function, tokens(&f.sig)), cfg);
            }
            syn::Item::Const(c) if is_pub(&c.vis) => {
                let mut it = Item::new(Kind::Const, type_tokens(&c.ty));
                it.value = Some(value_tokens(&c.ty, &c.expr));
                self.add(key(module, &c.ident.to_string()), it, cfg);
            }
            syn::Item::Static(s) if is_pub(&s.vis) => {
                let mut it = Item::new(Kind::Static, type_tokens(&s.ty));
                it.value = Some(value_tokens(&s.ty, &s.expr));
                self.add(key(module, &s.ident.to_string()), it, cfg);
            }
            syn::Item::Type(t) if is_pub(&t.vis) => {
                self.add(
                    key(module, &t.ident.to_string()),
                    Item::new(Kind::TypeAlias, tokens(&t.ty)),
                    cfg,
                );
            }
            syn::Item::Trait(t) if is_pub(&t.vis) => {
                let path = key(module, &t.ident.to_string());
                for member in &t.items {
                    if let syn::TraitItem::Fn(f) = member {
                        let mut method = Item::new(Kind::Method, tokens(&f.sig));
                        method.required = Some(f.default.is_none());
                        self.add(format!("{path}::{}", f.sig.ident), method, cfg);
                    }
                }
                let mut it = Item::new(Kind::Trait, tokens(&t.generics));
                it.constructible = !sealed(t);
                self.add(path, it, cfg);
            }
            syn::Item::Use(u) if is_pub(&u.vis) => {
                let mut found = Vec::new();
                uses(&u.tree, String::new(), &mut found);
                for (name, target) in found {
                    self.add(key(module, &name), Item::new(Kind::Reexport, target), cfg);
                }
            }
            syn::Item::Impl(block) => self.implementation(block, module, cfg),
            _ => {}
        }
        Ok(())
    }

    fn structure(&mut self, s: &syn::ItemStruct, module: &[String], cfg: Option<&str>) {
        let path = key(module, &s.ident.to_string());
        let cfg_own = feature(&s.attrs);
        let cfg = cfg_own.as_deref().or(cfg);
        let all_pub = s.fields.iter().all(|f| is_pub(&f.vis));
        let mut it = Item::new(Kind::Struct, tokens(&s.generics));
        it.constructible = all_pub && !has(&s.attrs, "non_exhaustive");
        self.add(path.clone(), it, cfg);
        self.derives(&s.attrs, &path, cfg);
        for (i, field) in s.fields.iter().enumerate() {
            let name = field.ident.as_ref().map_or_else(
                || i.to_string(),
                |n| n.to_string().trim_start_matches("r#").to_owned(),
            );
            if !is_pub(&field.vis) {
                continue;
            }
            let member = format!("{path}.{name}");
            let mut it = Item::new(Kind::Field, type_tokens(&field.ty));
            it.wire = Some(rename(&field.attrs).unwrap_or_else(|| name.clone()));
            let (shape, leaf) = leaf(&field.ty);
            it.shape = shape;
            self.add(member.clone(), it, cfg);
            if let Some(target) = leaf {
                self.link(member, Role::Field, module, &target);
            }
        }
    }

    fn enumeration(&mut self, e: &syn::ItemEnum, module: &[String], cfg: Option<&str>) {
        let path = key(module, &e.ident.to_string());
        let cfg_own = feature(&e.attrs);
        let cfg = cfg_own.as_deref().or(cfg);
        let mut it = Item::new(Kind::Enum, tokens(&e.generics));
        it.exhaustive = !has(&e.attrs, "non_exhaustive");
        self.add(path.clone(), it, cfg);
        self.derives(&e.attrs, &path, cfg);
        for v in &e.variants {
            let mut it = Item::new(Kind::Variant, tokens(&v.fields));
            it.wire = Some(rename(&v.attrs).unwrap_or_else(|| v.ident.to_string()));
            let member = format!("{path}::{}", v.ident);
            self.add(member.clone(), it, cfg);
            for f in &v.fields {
                if let (_, Some(target)) = leaf(&f.ty) {
                    self.link(member.clone(), Role::Field, module, &target);
                }
            }
        }
    }

    fn derives(&mut self, attrs: &[syn::Attribute], path: &str, cfg: Option<&str>) {
        for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
            let Ok(list) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            ) else {
                continue;
            };
            for p in list {
                if let Some(last) = p.segments.last() {
                    self.add(
                        format!("{path}: {}", last.ident),
                        Item::new(Kind::TraitImpl, String::new()),
                        cfg,
                    );
                }
            }
        }
    }

    fn implementation(&mut self, block: &syn::ItemImpl, module: &[String], cfg: Option<&str>) {
        let Some(ty) = type_path(module, &block.self_ty) else {
            return;
        };
        let cfg_own = feature(&block.attrs);
        let cfg = cfg_own.as_deref().or(cfg);
        for member in &block.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            if f.sig.ident == "new" || f.sig.ident == "default" {
                self.builder_fields(&ty, &f.block);
            }
            if block.trait_.is_none() && is_pub(&f.vis) {
                let path = format!("{ty}::{}", f.sig.ident);
                self.add(path.clone(), Item::new(Kind::Method, tokens(&f.sig)), cfg);
                self.method_links(&path, &f.sig, module);
            }
        }
        if let Some((trait_path, _)) = &block.trait_ {
            let name = trait_path
                .segments
                .last()
                .map(|s| compact(s.to_token_stream().to_string()))
                .unwrap_or_default();
            self.add(
                format!("{ty}: {name}"),
                Item::new(Kind::TraitImpl, String::new()),
                cfg,
            );
        }
    }

    /// Which fields a builder's `new()` / `default()` starts as `Err(..)`: values that must
    /// be set before `send()` or `try_from`.
    fn builder_fields(&mut self, ty: &str, body: &syn::Block) {
        let Some(syn::Stmt::Expr(syn::Expr::Struct(literal), None)) = body.stmts.last() else {
            return;
        };
        for field in &literal.fields {
            let syn::Member::Named(name) = &field.member else {
                continue;
            };
            if let syn::Expr::Call(call) = &field.expr
                && let syn::Expr::Path(func) = call.func.as_ref()
            {
                let required = func.path.is_ident("Err");
                if required || func.path.is_ident("Ok") {
                    self.required
                        .insert((ty.to_owned(), name.to_string()), required);
                }
            }
        }
    }

    fn method_links(&mut self, path: &str, sig: &syn::Signature, module: &[String]) {
        if let syn::ReturnType::Type(_, ret) = &sig.output {
            let ok = syntax::generic_arg(ret, "Result", 0)
                .and_then(|t| syntax::generic_arg(&t, "ResponseValue", 0));
            let err = syntax::generic_arg(ret, "Result", 1)
                .and_then(|t| syntax::generic_arg(&t, "Error", 0));
            for (role, ty) in [
                (Role::Success, ok),
                (Role::Error, err),
                (Role::Returns, Some((**ret).clone())),
            ] {
                if let Some(target) = ty.as_ref().and_then(|t| leaf(t).1) {
                    self.link(path.to_owned(), role, module, &target);
                }
            }
        }
        let bounds = sig.generics.where_clause.iter().flat_map(|w| &w.predicates);
        for predicate in bounds {
            let syn::WherePredicate::Type(bound) = predicate else {
                continue;
            };
            for b in &bound.bounds {
                if let syn::TypeParamBound::Trait(t) = b
                    && let Some(target) =
                        syntax::path_generic_arg(&t.path, "TryInto", 0).and_then(|t| leaf(&t).1)
                {
                    self.link(path.to_owned(), Role::Accepts, module, &target);
                }
            }
        }
    }

    fn link(&mut self, item: String, role: Role, module: &[String], target: &[String]) {
        self.links.push(RawLink {
            item,
            role,
            module: module.to_vec(),
            path: target.to_vec(),
        });
    }
}
