//! Checks of a command's outcome that several step files make; here, below
//! them all, so the step files share it without importing each other.

use super::narrator::Story;
use latchkey_core::{CommandReport, LatchkeyError};

/// Checks that the lock (or the phone) refused with the `expected` diagnosis.
pub(super) fn refused(story: &mut Story, result: Result<CommandReport, LatchkeyError>, expected: &str) {
    match result {
        Err(e) => {
            let code = e.diagnosis().as_str();
            story.check(code == expected, &format!("refused: {e} [diagnosis: {code}]"));
        }
        Ok(r) => {
            story.check(
                false,
                &format!(
                    "expected a refusal ({expected}), but the lock answered {}",
                    r.bolt.name()
                ),
            );
        }
    }
}
