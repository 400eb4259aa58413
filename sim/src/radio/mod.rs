//! The BLE link model (being written).
