//! The LE advertisement: the lock's advertisement payload as manufacturer
//! data, kept current by re-registering it whenever the payload changes,
//! plus the timer that calls `on_tick`.

use super::error::{bluez, BluezError};
use super::gatt::parse;
use super::link::Shared;
use bluer::adv::{Advertisement as LeAdvertisement, AdvertisementHandle, Type};
use bluer::Adapter;
use latchkey_protocol::{Advertisement, COMPANY_ID, SERVICE_UUID};
use std::sync::Arc;
use std::time::Duration;

/// Keeps one advertisement registered with the current payload.
pub(crate) struct Advertiser {
    adapter: Adapter,
    current: Option<(Advertisement, AdvertisementHandle)>,
    with_service_uuid: bool,
}

impl Advertiser {
    /// Registers the first advertisement (errors here stop the start).
    pub(crate) async fn register(adapter: Adapter, shared: &Shared) -> Result<Self, BluezError> {
        let mut advertiser = Self {
            adapter,
            current: None,
            with_service_uuid: true,
        };
        advertiser.refresh(shared).await?;
        Ok(advertiser)
    }

    /// Re-registers when the payload changed. The new advertisement is
    /// registered before the old one goes, so there is no gap in which a
    /// scanner finds nothing.
    async fn refresh(&mut self, shared: &Shared) -> Result<(), BluezError> {
        let Some(payload) = shared.with_peripheral(|p| p.advertisement()) else {
            return Ok(());
        };
        if self.current.as_ref().is_some_and(|(ad, _)| *ad == payload) {
            return Ok(());
        }
        let handle = match self.adapter.advertise(self.le_advertisement(&payload)).await {
            Ok(handle) => handle,
            // Flags, a 128-bit UUID and the manufacturer data exceed a
            // legacy advertisement's 31 bytes: keep the manufacturer data.
            Err(e) if self.with_service_uuid && e.kind == bluer::ErrorKind::InvalidLength => {
                self.with_service_uuid = false;
                self.adapter
                    .advertise(self.le_advertisement(&payload))
                    .await
                    .map_err(bluez("registering the advertisement"))?
            }
            Err(e) => return Err(bluez("registering the advertisement")(e)),
        };
        // Dropping the old handle unregisters it.
        self.current = Some((payload, handle));
        shared.note_advertisement(self.with_service_uuid);
        Ok(())
    }

    fn le_advertisement(&self, payload: &Advertisement) -> LeAdvertisement {
        LeAdvertisement {
            advertisement_type: Type::Peripheral,
            service_uuids: if self.with_service_uuid {
                [parse(SERVICE_UUID)].into()
            } else {
                Default::default()
            },
            manufacturer_data: [(COMPANY_ID, payload.encode())].into(),
            // BlueZoo reports only discoverable advertisements; real
            // phones filter on the LE discoverable flag too.
            discoverable: Some(true),
            ..Default::default()
        }
    }
}

/// Calls `on_tick` every `tick` (notifying a timeout ERROR frame if it
/// returns one) and keeps the advertisement current: on the timer and right
/// after each request, so the next scan sees the fresh challenge.
pub(crate) async fn run(mut advertiser: Advertiser, shared: Arc<Shared>, tick: Duration) {
    let mut timer = tokio::time::interval(tick);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = timer.tick() => {
                if let Some(frame) = shared.with_peripheral(|p| p.on_tick()).flatten() {
                    shared.queue_frame(frame);
                }
            }
            _ = shared.advertisement_may_have_changed.notified() => {}
        }
        // A failed refresh keeps the previous advertisement; the next
        // tick tries again.
        let _ = advertiser.refresh(&shared).await;
    }
}
