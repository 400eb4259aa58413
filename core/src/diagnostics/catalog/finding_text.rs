//! [`FindingText`]: the English title, explanation and steps of one
//! finding code, as the `en_*` tables list them.

use crate::diagnostics::FindingCode;

/// English text of one finding code.
pub(crate) struct FindingText {
    pub(crate) code: FindingCode,
    pub(crate) title: &'static str,
    pub(crate) explanation: &'static str,
    pub(crate) steps: &'static [&'static str],
}
