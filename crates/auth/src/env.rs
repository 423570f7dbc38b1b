//! Reading configuration from an injected environment, collecting every problem so that one
//! error names all the missing or invalid variables of an API at once (users fix them in one
//! run, not one per run). Errors name variables, never values.

use crate::error::AuthError;

/// An environment: a variable's value by name (`std::env::var` or a test's map).
pub(crate) type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment, for the `from_process_env` constructors.
pub(crate) fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Reads variables and remembers which required ones were missing and which were invalid.
pub(crate) struct Vars<'a> {
    env: Env<'a>,
    missing: Vec<String>,
    invalid: Vec<String>,
}

impl<'a> Vars<'a> {
    pub(crate) fn new(env: Env<'a>) -> Self {
        Self {
            env,
            missing: Vec::new(),
            invalid: Vec::new(),
        }
    }

    /// The environment read.
    pub(crate) fn env(&self) -> Env<'a> {
        self.env
    }

    /// Takes over the problems `other` found (it read a view of the same environment).
    pub(crate) fn absorb(&mut self, other: Vars<'_>) {
        self.missing.extend(other.missing);
        self.invalid.extend(other.invalid);
    }

    /// The value of `name`; empty or blank values count as unset.
    pub(crate) fn optional(&self, name: &str) -> Option<String> {
        (self.env)(name).filter(|value| !value.trim().is_empty())
    }

    /// The value of `name`, or `None` with `name` recorded as missing.
    pub(crate) fn required(&mut self, name: &str) -> Option<String> {
        let value = self.optional(name);
        if value.is_none() {
            self.missing.push(name.to_owned());
        }
        value
    }

    /// `name` is set but unusable; `rule` says what it must be (never its value).
    pub(crate) fn invalid(&mut self, name: &str, rule: &str) {
        self.invalid.push(format!("{name} {rule}"));
    }

    /// Records `names` as missing, with `hint` saying what would do instead (e.g. "or set
    /// ORIGOID_USERNAME and ORIGOID_PASSWORD").
    pub(crate) fn missing_one_of(&mut self, names: &[&str], hint: &str) {
        self.missing.push(format!("{} ({hint})", names.join(", ")));
    }

    /// `value` if nothing was missing or invalid, else one [`AuthError::Config`] listing every
    /// problem.
    pub(crate) fn finish<T>(self, value: Option<T>) -> Result<T, AuthError> {
        match (value, self.problems()) {
            (Some(value), None) => Ok(value),
            (_, Some(problems)) => Err(AuthError::Config(problems)),
            (None, None) => Err(AuthError::Config("incomplete configuration".into())),
        }
    }

    fn problems(&self) -> Option<String> {
        let mut parts = Vec::new();
        match self.missing.as_slice() {
            [] => {}
            [one] => parts.push(format!("environment variable {one} is not set")),
            many => parts.push(format!(
                "environment variables {} are not set",
                many.join(", ")
            )),
        }
        parts.extend(self.invalid.iter().cloned());
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_named_once_and_no_value_is_shown() {
        let env = |name: &str| match name {
            "SET" => Some("secret-canary".to_owned()),
            "BLANK" => Some("  ".to_owned()),
            _ => None,
        };
        let mut vars = Vars::new(&env);
        assert_eq!(vars.required("SET").as_deref(), Some("secret-canary"));
        assert!(vars.required("BLANK").is_none());
        assert!(vars.required("ABSENT").is_none());
        vars.invalid("SET", "must be a number");
        let error = vars.finish(Some(())).unwrap_err().to_string();
        assert!(
            error.contains("BLANK, ABSENT are not set") && error.contains("SET must be a number"),
            "{error}"
        );
        assert!(!error.contains("canary"), "{error}");
        let vars = Vars::new(&env);
        assert_eq!(vars.finish(Some(7)).unwrap(), 7);
    }
}
