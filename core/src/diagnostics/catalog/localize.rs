//! Findings in a locale: a rule's draft rendered, or a finding rendered
//! again in another locale.

use super::english::english;
use super::tables::Catalog;
use crate::diagnostics::finding::Finding;
use crate::diagnostics::rules::Draft;

impl Catalog {
    /// `finding` again, with its texts in `locale`.
    pub fn localize(&self, locale: &str, finding: &Finding) -> Finding {
        let texts = self.texts(locale);
        let code = finding.code.as_str();
        let args = &finding.args;
        let steps = (1..)
            .map(|n| format!("finding.{code}.step.{n}"))
            .take_while(|k| english().contains_key(k))
            .map(|k| texts.render(&k, args))
            .collect();
        Finding {
            title: texts.render(&format!("finding.{code}.title"), args),
            explanation: texts.render(&format!("finding.{code}.explanation"), args),
            steps,
            ..finding.clone()
        }
    }

    pub(crate) fn finding(&self, locale: &str, draft: Draft) -> Finding {
        let shell = Finding {
            code: draft.code,
            severity: draft.severity,
            title: String::new(),
            explanation: String::new(),
            steps: Vec::new(),
            action: draft.action,
            permissions: draft.permissions,
            args: draft.args,
        };
        self.localize(locale, &shell)
    }
}
