//! Where generation time goes: each phase of building a crate runs inside [`phase`], which adds
//! its wall time to a per-thread tally that `cargo xtask corpus --timings` prints per document.
//! Per thread, so tests generating in parallel do not mix their figures; a phase nested in
//! another counts in both (the table says which nest).

use std::cell::RefCell;
use std::time::{Duration, Instant};

thread_local! {
    static TALLY: RefCell<Vec<(&'static str, Duration, usize)>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f`, adding its wall time to `name`'s total on this thread.
pub fn phase<T>(name: &'static str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    TALLY.with(|t| {
        let mut t = t.borrow_mut();
        match t.iter_mut().find(|(n, _, _)| *n == name) {
            Some((_, total, count)) => {
                *total += took;
                *count += 1;
            }
            None => t.push((name, took, 1)),
        }
    });
    out
}

/// One phase's total over a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phase {
    /// The phase's name, as given to [`phase`].
    pub name: &'static str,
    /// Wall time summed over its runs.
    pub total: Duration,
    /// How many times it ran.
    pub runs: usize,
}

/// This thread's phases since the last call, in the order each first ran; clears the tally.
pub fn take() -> Vec<Phase> {
    TALLY.with(|t| {
        t.borrow_mut()
            .drain(..)
            .map(|(name, total, runs)| Phase { name, total, runs })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_add_up_per_name_in_first_run_order() {
        let _ = take();
        phase("b", || std::thread::sleep(Duration::from_millis(2)));
        let v = phase("a", || phase("b", || 7));
        assert_eq!(v, 7);
        let phases = take();
        let names: Vec<_> = phases.iter().map(|p| (p.name, p.runs)).collect();
        assert_eq!(names, [("b", 2), ("a", 1)]);
        assert!(phases[0].total >= Duration::from_millis(2));
        assert!(take().is_empty());
    }
}
