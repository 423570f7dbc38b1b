//! Findings: every problem or change the pipeline reports, with a rule name and a location.

use std::fmt;

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// A change the normaliser made that loses nothing a client needs.
    Note,
    /// A change that loses information (a dropped response, media type or keyword), or what
    /// the client leaves unused (`pagination-suggested`: a list no `[[paginate]]` declares).
    Warning,
    /// The spec cannot be generated until this is fixed.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One reported problem or change.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// Severity, for ordering and for the strict mode of hand-written specs.
    pub severity: Severity,
    /// Stable kebab-case rule name, e.g. `type-array-null`.
    pub rule: &'static str,
    /// Where: a JSON pointer into the document (`#/paths/~1a/get`), or `line:col` for syntax errors.
    pub location: String,
    /// What happened and, for errors, what to do.
    pub message: String,
}

impl Finding {
    /// A finding at a JSON pointer (given without the leading `#`).
    pub fn at(
        severity: Severity,
        rule: &'static str,
        pointer: &str,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            severity,
            rule,
            location: format!("#{pointer}"),
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}] {}: {}",
            self.severity, self.rule, self.location, self.message
        )
    }
}

/// Findings collected by one run over one spec, in a stable order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings(Vec<Finding>);

impl Findings {
    /// Records a finding.
    pub fn push(&mut self, finding: Finding) {
        self.0.push(finding);
    }

    /// Records a finding at a JSON pointer.
    pub fn add(
        &mut self,
        severity: Severity,
        rule: &'static str,
        pointer: &str,
        message: impl Into<String>,
    ) {
        self.push(Finding::at(severity, rule, pointer, message));
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|f| f.severity == Severity::Error)
    }

    /// Whether nothing was reported at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The findings, sorted by severity (errors first), then location, then rule.
    pub fn sorted(&self) -> Vec<Finding> {
        let mut all = self.0.clone();
        all.sort_by(|a, b| {
            (b.severity, &a.location, a.rule, &a.message).cmp(&(
                a.severity,
                &b.location,
                b.rule,
                &b.message,
            ))
        });
        all.dedup();
        all
    }

    /// Appends another run's findings.
    pub fn extend(&mut self, other: Findings) {
        self.0.extend(other.0);
    }
}

impl fmt::Display for Findings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in self.sorted() {
            writeln!(f, "  {finding}")?;
        }
        Ok(())
    }
}
