//! latchkey's own lines at info and debug pass at the level chosen at run
//! time and no lower (`log_line!`; dependencies' lines below warnings are
//! compiled out of the mobile library, these are not).

use std::sync::Mutex;

static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {} {}", record.level(), record.target(), record.args());
        LINES.lock().unwrap().push(line);
    }
    fn flush(&self) {}
}

#[test]
fn own_lines_pass_at_the_run_time_level_and_no_lower() {
    log::set_logger(&Capture).unwrap();
    log::set_max_level(log::LevelFilter::Debug);
    latchkey_core::log_line!(Debug, target: "latchkey::command", "step {}", 1);
    latchkey_core::log_line!(Info, target: "latchkey::sync", "pass {}", 2);
    log::set_max_level(log::LevelFilter::Info);
    latchkey_core::log_line!(Debug, target: "latchkey::command", "step {}", 3);
    latchkey_core::log_line!(Info, target: "latchkey::sync", "pass {}", 4);
    assert_eq!(
        *LINES.lock().unwrap(),
        [
            "DEBUG latchkey::command step 1",
            "INFO latchkey::sync pass 2",
            "INFO latchkey::sync pass 4",
        ]
    );
}
