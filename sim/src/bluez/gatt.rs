//! The latchkey GATT service as a BlueZ application: RX (write, and write
//! without response unless turned off), TX (notify), INFO (read).

use super::error::{bluez, BluezError};
use super::link::Shared;
use bluer::gatt::local::{
    Application, ApplicationHandle, Characteristic, CharacteristicNotify, CharacteristicNotifyMethod,
    CharacteristicRead, CharacteristicWrite, CharacteristicWriteMethod, Service,
};
use bluer::Adapter;
use futures::FutureExt;
use latchkey_protocol::{INFO_CHAR_UUID, RX_CHAR_UUID, SERVICE_UUID, TX_CHAR_UUID};
use std::sync::Arc;

/// Registers the application on `adapter`; RX offers write without
/// response when `write_without_response`.
pub(crate) async fn serve(
    adapter: &Adapter,
    shared: &Arc<Shared>,
    write_without_response: bool,
) -> Result<ApplicationHandle, BluezError> {
    adapter
        .serve_gatt_application(application(shared, write_without_response))
        .await
        .map_err(bluez(format!("registering the GATT service on {}", adapter.name())))
}

/// Holds the registration until the task is aborted.
pub(crate) async fn keep(app: ApplicationHandle) {
    let _app = app;
    std::future::pending::<()>().await;
}

/// The application serving `shared`'s peripheral.
fn application(shared: &Arc<Shared>, write_without_response: bool) -> Application {
    let on_write = shared.clone();
    let rx = Characteristic {
        uuid: parse(RX_CHAR_UUID),
        write: Some(CharacteristicWrite {
            write: true,
            write_without_response,
            method: CharacteristicWriteMethod::Fun(Box::new(move |packet, request| {
                let shared = on_write.clone();
                async move {
                    shared.on_write(request.device_address, request.mtu, request.op_type, &packet);
                    Ok(())
                }
                .boxed()
            })),
            ..Default::default()
        }),
        ..Default::default()
    };
    let on_subscribe = shared.clone();
    let tx = Characteristic {
        uuid: parse(TX_CHAR_UUID),
        notify: Some(CharacteristicNotify {
            notify: true,
            method: CharacteristicNotifyMethod::Fun(Box::new(move |notifier| {
                let shared = on_subscribe.clone();
                async move { shared.set_notifier(notifier).await }.boxed()
            })),
            ..Default::default()
        }),
        ..Default::default()
    };
    let on_read = shared.clone();
    let info = Characteristic {
        uuid: parse(INFO_CHAR_UUID),
        read: Some(CharacteristicRead {
            read: true,
            fun: Box::new(move |_request| {
                let payload = on_read.with_peripheral(|p| p.advertisement().encode());
                async move { payload.ok_or(bluer::gatt::local::ReqError::Failed) }.boxed()
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    Application {
        services: vec![Service {
            uuid: parse(SERVICE_UUID),
            primary: true,
            characteristics: vec![rx, tx, info],
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// Parses one of the protocol's UUID constants (compile-time strings:
/// the test below proves they parse).
pub(crate) fn parse(s: &str) -> bluer::Uuid {
    s.parse().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::parse;
    use latchkey_protocol::{INFO_CHAR_UUID, RX_CHAR_UUID, SERVICE_UUID, TX_CHAR_UUID};

    #[test]
    fn the_protocol_uuids_parse() {
        for uuid in [SERVICE_UUID, RX_CHAR_UUID, TX_CHAR_UUID, INFO_CHAR_UUID] {
            assert_ne!(parse(uuid), bluer::Uuid::default(), "{uuid}");
        }
    }
}
