//! Building blocks for the cloud scenarios and the sync benchmark: the
//! test kit's reference cloud and cloud-synced phones, and the scenarios'
//! clock origin.

pub use latchkey_testkit::cloud::*;
pub use latchkey_testkit::START;
