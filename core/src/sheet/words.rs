//! Small pieces of wording the sheet's advice and its rendering share.

use crate::diagnostics::{MessageArg, Texts};
use crate::store::BackupMethod;

/// `(name, value)` pairs as message arguments.
pub(super) fn args(pairs: &[(&str, String)]) -> Vec<MessageArg> {
    pairs
        .iter()
        .map(|(name, value)| MessageArg {
            name: (*name).to_string(),
            value: value.clone(),
        })
        .collect()
}

/// A backup way in, named in the locale of `texts` ("mechanical key").
pub(super) fn method(texts: &Texts<'_>, method: BackupMethod) -> String {
    let key = match method {
        BackupMethod::PhysicalKey => "physical_key",
        BackupMethod::KeypadCode => "keypad_code",
        BackupMethod::AnotherPhone => "another_phone",
        BackupMethod::SomeoneNearby => "someone_nearby",
        BackupMethod::Other => "other",
    };
    texts.render(&format!("sheet.backup_method.{key}"), &[])
}
