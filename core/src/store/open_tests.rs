//! An open that died part way through quarantining an unreadable store:
//! the next open finishes the quarantine into the same place and reports
//! it, once, with the damaged bytes kept. (The crash driver kills a real
//! process at the same steps: `latchkey-bench crashpoints`.)

use super::marker;
use super::quarantine;
use super::quarantine_note::{self, Note};
use super::Store;
use crate::platform_keys::SoftwareKeyStore;
use std::fs;
use std::sync::Arc;

/// The step after which the first open died.
#[derive(Debug, Clone, Copy)]
enum Died {
    /// The note written, nothing moved.
    Noted,
    /// The original bytes moved aside, the store's directory not yet.
    BetweenRenames,
    /// Everything moved aside, no fresh store yet.
    BeforeFreshStore,
}

#[test]
fn an_interrupted_quarantine_is_finished_and_reported_by_the_next_open() {
    for died in [Died::Noted, Died::BetweenRenames, Died::BeforeFreshStore] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        let keystore = Arc::new(SoftwareKeyStore::generate().unwrap());
        drop(Store::open(&dir, keystore.clone()).unwrap());
        let damaged = vec![0xa5; fs::metadata(dir.join("db")).unwrap().len() as usize];
        fs::write(dir.join("db"), &damaged).unwrap();

        // What the first open did before it died.
        let backup = quarantine::backup_if_unclean(&dir, &marker::read(&dir).unwrap())
            .unwrap()
            .expect("a copy of the damaged files");
        let note = Note {
            place: quarantine::free_place(&dir),
            reason: "damaged on purpose".into(),
        };
        quarantine_note::write(&dir, &note).unwrap();
        match died {
            Died::Noted => {}
            Died::BetweenRenames => fs::rename(&backup, note.path(&dir)).unwrap(),
            Died::BeforeFreshStore => quarantine::move_aside(&dir, Some(backup), &note.path(&dir)).unwrap(),
        }

        let outcome = Store::open(&dir, keystore.clone()).unwrap();
        let reported = outcome.quarantined.expect("the quarantine is reported");
        assert_eq!(reported.path, note.path(&dir), "{died:?}");
        assert_eq!(reported.reason, "damaged on purpose", "{died:?}");
        assert_eq!(
            fs::read(reported.path.join("db")).unwrap(),
            damaged,
            "{died:?}: the damaged bytes are kept"
        );
        assert!(outcome.store.keys().list().unwrap().is_empty(), "{died:?}");
        drop(outcome.store);
        // Reported once; nothing else set aside, nothing half done.
        assert!(Store::open(&dir, keystore).unwrap().quarantined.is_none(), "{died:?}");
        assert_eq!(quarantine::set_aside(&dir).unwrap(), vec![note.path(&dir)], "{died:?}");
    }
}
