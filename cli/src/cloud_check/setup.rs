//! The scene the checks run in. With the operator's admin token (the
//! reference cloud's `/admin/…`): a fresh phone and a host registered for
//! the run, and a lock registered with the cloud and simulated on this
//! computer, commissioned with the cloud's own issuer key, so that what
//! the cloud signs is carried to a lock that checks it, and the lock's
//! confirmations and log come back for real. Without it: the vendor's
//! phone store and token (and a host's token, if given), against the
//! vendor's own locks and keys.

use super::report::Why;
use super::support::engine_for;
use latchkey_core::sync::{Connectivity, StaticToken, SyncConfig, SyncEngine, TrustRoots};
use latchkey_core::{Client, ClientBuilder};
use latchkey_protocol::{LockId, PinSecret, PublicKey, SigningKey};
use latchkey_sim::lock::{LockConfig, SimLock};
use latchkey_sim::radio::{LinkParams, SimRadio};
use latchkey_sim::{Peripheral, VirtualClock};
use latchkey_testkit::http::CloudHttp;
use latchkey_testkit::SimTransport;
use serde_json::json;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Everything the checks use.
pub struct Kit {
    /// The cloud's base URL.
    pub url: String,
    /// Whom the phone trusts.
    pub roots: TrustRoots,
    /// Plain requests, for the error bodies and the operator's calls.
    pub http: CloudHttp,
    /// The phone under test.
    pub phone: Arc<Client>,
    /// Its registered name, when known (a host issues keys to it).
    pub phone_name: Option<String>,
    /// Its bearer token.
    pub token: String,
    /// A host's engine (issues and revokes keys, changes PINs, reads drift).
    pub host: Option<SyncEngine>,
    /// The operator's token.
    pub admin: Option<String>,
    /// The lock the checks use: the simulated one, or the first the phone
    /// holds a key for.
    pub lock_id: Option<LockId>,
    /// Whether that lock is simulated here (the phone can visit it).
    pub door: bool,
    _host_client: Option<Arc<Client>>,
    _dirs: Vec<tempfile::TempDir>,
}

/// A radio with nothing on it yet, at this computer's time.
fn radio() -> SimRadio {
    let now = latchkey_core::clock::PhoneClock::now_unix(&latchkey_core::clock::SystemClock);
    SimRadio::new(VirtualClock::starting_at(now))
}

/// A client on `radio` with its store in `dir`.
async fn client(
    dir: &Path,
    radio: &SimRadio,
    cloud: Option<(SyncConfig, Arc<StaticToken>)>,
) -> Result<Arc<Client>, String> {
    // A desktop tool: software keys, as the CLI's own phones use.
    let mut builder = ClientBuilder::new(dir)
        .allow_software_keys()
        .transport(Arc::new(SimTransport::new(radio.clone(), LinkParams::mtu185())));
    if let Some((config, token)) = cloud {
        builder = builder.cloud(config, token);
    }
    builder
        .build()
        .await
        .map_err(|e| format!("the phone store in {}: {e}", dir.display()))
}

fn hex_key(hex: &str) -> Result<PublicKey, String> {
    latchkey_protocol::hex::decode(hex)
        .and_then(|b| b.try_into().ok())
        .map(PublicKey)
        .ok_or_else(|| format!("`{hex}` is not a public key"))
}

fn temp() -> Result<tempfile::TempDir, String> {
    tempfile::tempdir().map_err(|e| format!("a temporary directory: {e}"))
}

impl Kit {
    /// The admin scene: the kit registers its own lock, phone and host.
    pub async fn with_admin(url: &str, roots: TrustRoots, http: CloudHttp, admin: String) -> Result<Self, String> {
        let call = |method: &'static str, path: String, token: String, body: Option<serde_json::Value>| {
            let http = http.clone();
            async move {
                let answer = http
                    .send(method, &path, Some(&token), body.as_ref())
                    .await
                    .map_err(|e| e.to_string())?;
                match answer.status {
                    200 | 201 => Ok(answer.body),
                    status => Err(format!("{method} {path}: HTTP {status} {}", answer.body)),
                }
            }
        };
        let issuer = call("GET", "/admin/issuer".into(), admin.clone(), None).await?;
        let issuer = hex_key(issuer["issuer_key"].as_str().unwrap_or_default())?;
        let lock_id = LockId::random().map_err(|e| e.to_string())?;
        let identity = SigningKey::generate().map_err(|e| e.to_string())?;
        let suffix = &lock_id.to_hex()[..8];
        let record = json!({"lock_id": lock_id.to_hex(), "name": format!("cloud-check door {suffix}"),
            "identity_key": latchkey_protocol::hex::encode(&identity.public_key().0),
            "issuer_key": latchkey_protocol::hex::encode(&issuer.0), "utc_offset_min": 0, "groups": []});
        call("POST", "/admin/locks".into(), admin.clone(), Some(record)).await?;

        let radio = radio();
        let dirs = vec![temp()?, temp()?];
        let token = Arc::new(StaticToken::new(""));
        let config = SyncConfig::new(url, roots.clone());
        let phone = client(dirs[0].path(), &radio, Some((config, token.clone()))).await?;
        let host_client = client(dirs[1].path(), &radio, None).await?;
        let mut tokens = Vec::new();
        for (name, holder, host) in [
            (format!("cloud-check-phone-{suffix}"), phone.holder_key(), false),
            (format!("cloud-check-host-{suffix}"), host_client.holder_key(), true),
        ] {
            let body = json!({"name": name, "holder_key": latchkey_protocol::hex::encode(&holder.0), "host": host});
            let registered = call("POST", "/admin/phones".into(), admin.clone(), Some(body)).await?;
            tokens.push(registered["token"].as_str().unwrap_or_default().to_string());
        }
        token.set(tokens[0].clone());
        let host_token = tokens[1].clone();
        let host = engine_for(
            &host_client,
            url,
            &roots,
            Arc::new(StaticToken::new(host_token.clone())),
            None,
            |_| {},
        )?;

        // The lock learns its PIN secret as a factory would; the host may read it.
        let pins = call("GET", format!("/v1/locks/{lock_id}/pins"), host_token.clone(), None).await?;
        let secret = latchkey_protocol::hex::decode(pins["secret"].as_str().unwrap_or_default())
            .and_then(|b| b.try_into().ok())
            .map(PinSecret);
        let config = LockConfig {
            pin_secret: secret,
            ..LockConfig::default()
        };
        let lock = SimLock::commission_with_identity(identity, issuer, lock_id, radio.clock().clone(), config)
            .map_err(|e| format!("the simulated lock: {e}"))?;
        let peripheral: Arc<Mutex<dyn Peripheral>> = Arc::new(Mutex::new(lock));
        radio.add_peripheral(format!("sim:{suffix}"), -60, peripheral);
        Ok(Self {
            url: url.to_string(),
            roots,
            http,
            phone,
            phone_name: Some(format!("cloud-check-phone-{suffix}")),
            token: tokens[0].clone(),
            host: Some(host),
            admin: Some(admin),
            lock_id: Some(lock_id),
            door: true,
            _host_client: Some(host_client),
            _dirs: dirs,
        })
    }

    /// The vendor's scene: their phone store and token, and a host's
    /// token if given.
    pub async fn with_phone(
        url: &str,
        roots: TrustRoots,
        http: CloudHttp,
        store: &Path,
        token: String,
        host_token: Option<String>,
        phone_name: Option<String>,
    ) -> Result<Self, String> {
        let radio = radio();
        let config = SyncConfig::new(url, roots.clone());
        let phone = client(store, &radio, Some((config, Arc::new(StaticToken::new(token.clone()))))).await?;
        let mut dirs = Vec::new();
        let (host, host_client) = match &host_token {
            Some(t) => {
                dirs.push(temp()?);
                let host_client = client(dirs[0].path(), &radio, None).await?;
                let engine = engine_for(
                    &host_client,
                    url,
                    &roots,
                    Arc::new(StaticToken::new(t.clone())),
                    None,
                    |_| {},
                )?;
                (Some(engine), Some(host_client))
            }
            None => (None, None),
        };
        Ok(Self {
            url: url.to_string(),
            roots,
            http,
            phone,
            phone_name,
            token,
            host,
            admin: None,
            lock_id: None,
            door: false,
            _host_client: host_client,
            _dirs: dirs,
        })
    }

    /// The phone's own engine (the one its client was built with), online.
    pub fn engine(&self) -> Result<SyncEngine, String> {
        let engine = self
            .phone
            .sync()
            .cloned()
            .ok_or("the phone was built without its sync engine")?;
        engine.set_connectivity(Connectivity::ONLINE);
        Ok(engine)
    }

    /// The lock the checks use.
    pub fn lock(&self) -> Result<LockId, Why> {
        self.lock_id
            .ok_or_else(|| Why::Needs("a lock the phone holds a key for".into()))
    }

    /// The host's engine.
    pub fn host(&self) -> Result<&SyncEngine, Why> {
        self.host
            .as_ref()
            .ok_or_else(|| Why::Needs("a host's token (--host-token)".into()))
    }

    /// The phone's registered name, for the host to issue it keys.
    pub fn phone_name(&self) -> Result<&str, Why> {
        self.phone_name
            .as_deref()
            .ok_or_else(|| Why::Needs("the phone's registered name (--phone-name)".into()))
    }

    /// The operator's token.
    pub fn admin(&self) -> Result<&str, Why> {
        self.admin
            .as_deref()
            .ok_or_else(|| Why::Needs("admin access (--admin-token): the cloud's chaos switches".into()))
    }

    /// Fails unless the lock is simulated here, so the phone can visit it.
    pub fn door(&self) -> Result<(), Why> {
        if self.door {
            Ok(())
        } else {
            Err(Why::Needs(
                "admin access (--admin-token): a lock registered and simulated here".into(),
            ))
        }
    }
}
