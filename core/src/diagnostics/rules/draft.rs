//! [`Draft`]: a finding as the rules make it, before its text is rendered.

use crate::diagnostics::finding::MessageArg;
use crate::diagnostics::kinds::{PlatformAction, Severity};
use crate::diagnostics::FindingCode;

/// A finding before its text is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Draft {
    pub(crate) code: FindingCode,
    pub(crate) severity: Severity,
    pub(crate) action: PlatformAction,
    pub(crate) args: Vec<MessageArg>,
    pub(crate) permissions: Vec<String>,
}

impl Draft {
    pub(crate) fn new(code: FindingCode) -> Self {
        Self {
            code,
            severity: code.default_severity(),
            action: code.default_action(),
            args: Vec::new(),
            permissions: Vec::new(),
        }
    }

    pub(crate) fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub(crate) fn action(mut self, action: PlatformAction) -> Self {
        self.action = action;
        self
    }

    pub(crate) fn arg(mut self, name: &str, value: impl ToString) -> Self {
        self.args.push(MessageArg {
            name: name.to_string(),
            value: value.to_string(),
        });
        self
    }

    pub(crate) fn permissions(mut self, permissions: &[&str]) -> Self {
        self.permissions = permissions.iter().map(|p| p.to_string()).collect();
        self
    }
}
