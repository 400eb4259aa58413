//! A `--data-dir` phone store that can't be read is set aside and
//! replaced by an empty one, and the command says so in plain words (and
//! in its JSON): what happened, where the old files went, what to do.

mod support;

use std::path::Path;
use support::{latchkey, parse, stderr, stdout};

/// A phone store in `dir`, made by the CLI, whose database is then damaged
/// (as by a failing disk while the app was closed).
fn damaged_store(dir: &Path) {
    let dir = dir.to_str().expect("utf-8 path");
    latchkey(&["keys", "--data-dir", dir]).success();
    let db = Path::new(dir).join("db");
    let length = std::fs::metadata(&db).expect("the store's database").len() as usize;
    std::fs::write(&db, vec![0xa5; length]).expect("damage");
}

#[test]
fn a_damaged_store_is_reported_with_where_its_files_went() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("phone");
    damaged_store(&dir);
    let args = ["keys", "--json", "--data-dir", dir.to_str().expect("utf-8")];
    let run = latchkey(&args).success();
    let v = parse(&args, &run);
    let moved_to = v["store_quarantine"]["path"].as_str().expect("the quarantine's path");
    assert!(Path::new(moved_to).join("db").exists(), "the old files are kept: {v}");
    assert!(moved_to.contains(".quarantine-"), "{v}");
    assert!(
        v["store_quarantine"]["reason"].as_str().is_some_and(|r| !r.is_empty()),
        "{v}"
    );
    assert_eq!(v["keys"].as_array().map(Vec::len), Some(0), "an empty store now: {v}");
    let err = stderr(&run);
    assert!(
        err.contains("could not be read") && err.contains(moved_to) && err.contains("latchkey sync"),
        "{err}"
    );
}

#[test]
fn in_text_the_warning_comes_before_the_output() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("phone");
    damaged_store(&dir);
    let run = latchkey(&["keys", "--data-dir", dir.to_str().expect("utf-8")]).success();
    let err = stderr(&run);
    assert!(
        err.starts_with("latchkey: the phone's store could not be read"),
        "{err}"
    );
    assert!(err.contains("nothing was deleted"), "{err}");
    // The command still runs, on the empty store.
    assert!(!stdout(&run).is_empty());
    // Opened again, the fresh store is fine: no warning.
    let again = latchkey(&["keys", "--data-dir", dir.to_str().expect("utf-8")]).success();
    assert!(stderr(&again).is_empty(), "{}", stderr(&again));
}
