//! xtask's modules import only downward (the layers of `src/lib.rs`'s docs): every
//! `crate::<module>` path in a module's source (its `use` items and inline paths, tests
//! included) names a module earlier in [`ORDER`]. So no two modules import each other.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use syn::visit::{self, Visit};

/// The modules from the bottom layer up (see `src/lib.rs`); a module may import only the
/// modules before it.
const ORDER: &[&str] = &[
    // 1. leaves
    "finding",
    "pointer",
    "names",
    "syntax",
    "config",
    "progress",
    "timings",
    "tree",
    // 2. reading documents
    "document",
    "walk",
    "fixes",
    "examples",
    // 3. facts and rules on documents
    "services",
    "operations",
    "normalise",
    "degrade",
    "pagination",
    // 4. the guarded progenitor call
    "progenitor",
    // 5. around progenitor
    "bisect",
    "rewrite",
    "mock",
    // 6. a crate's files, and comparing two versions of one
    "package",
    "emit",
    "diff",
    // 7. one crate in memory
    "job",
    // 8. the command line's modules
    "cli",
    // 9. tasks
    "workspace",
    "release",
    "corpus",
    "mutate",
    // 10.
    "bench",
];

/// The crate modules named by `crate::…` paths in one file.
struct CrateModules(BTreeSet<String>);

impl<'ast> Visit<'ast> for CrateModules {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let mut segments = path.segments.iter();
        if let (Some(first), Some(second)) = (segments.next(), segments.next())
            && first.ident == "crate"
        {
            self.0.insert(second.ident.to_string());
        }
        visit::visit_path(self, path);
    }

    fn visit_use_path(&mut self, use_path: &'ast syn::UsePath) {
        if use_path.ident == "crate" {
            collect_use(&use_path.tree, &mut self.0);
        }
        visit::visit_use_path(self, use_path);
    }
}

/// The first names below `crate::` in a use tree (`crate::{a, b::c}` → a, b).
fn collect_use(tree: &syn::UseTree, out: &mut BTreeSet<String>) {
    match tree {
        syn::UseTree::Path(p) => {
            out.insert(p.ident.to_string());
        }
        syn::UseTree::Name(n) => {
            out.insert(n.ident.to_string());
        }
        syn::UseTree::Rename(r) => {
            out.insert(r.ident.to_string());
        }
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| collect_use(t, out)),
        syn::UseTree::Glob(_) => {}
    }
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_module_imports_only_modules_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut upward = Vec::new();
    let mut seen = BTreeSet::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let module = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        let position = ORDER
            .iter()
            .position(|m| *m == module)
            .unwrap_or_else(|| panic!("module `{module}` is not in ORDER: give it a layer"));
        seen.insert(module.clone());
        let text = std::fs::read_to_string(file).unwrap();
        let syntax = syn::parse_file(&text).unwrap();
        let mut named = CrateModules(BTreeSet::new());
        named.visit_file(&syntax);
        for target in named.0 {
            // Items re-exported at the crate root (`crate::Job`) must not be used inside.
            let Some(target_position) = ORDER.iter().position(|m| *m == target) else {
                upward.push(format!(
                    "{}: `crate::{target}` is not a module",
                    relative.display()
                ));
                continue;
            };
            if target != module && target_position >= position {
                upward.push(format!(
                    "{} (layer of `{module}`) imports `crate::{target}`, which is not below it",
                    relative.display()
                ));
            }
        }
    }
    assert!(upward.is_empty(), "{}", upward.join("\n"));
    let missing: Vec<&&str> = ORDER.iter().filter(|m| !seen.contains(**m)).collect();
    assert!(
        missing.is_empty(),
        "ORDER names modules that do not exist: {missing:?}"
    );
}
