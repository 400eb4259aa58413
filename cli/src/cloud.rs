//! `latchkey cloud`: the reference cloud on its own (HTTPS with a fresh
//! test CA, sled persistence in the data directory), for the demo, the
//! Kotlin tests and manual runs. docs/cloud-api.md documents the API.

use latchkey_sim::cloud::{CloudConfig, CloudServer};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where and how to serve.
#[derive(clap::Args)]
pub struct CloudArgs {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8443)]
    port: u16,
    /// The cloud's database directory (kept across runs); `ca.pem` and
    /// `admin-token` are written there at every start.
    #[arg(long)]
    data_dir: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Sign with the issuer in a `latchkey-sim peripheral --commissioning`
    /// file, so the cloud's keys open that lock (a new data dir, or one with that issuer).
    #[arg(long, value_name = "FILE")]
    issuer_from: Option<PathBuf>,
    /// Print the connection details as one JSON line.
    #[arg(long)]
    json: bool,
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn run(args: CloudArgs) -> ExitCode {
    let mut config = CloudConfig::local(&args.data_dir).with_bind(SocketAddr::new(args.bind, args.port));
    if !args.bind.is_loopback() && !args.bind.is_unspecified() {
        config.server_names.push(args.bind.to_string());
    }
    if let Some(path) = &args.issuer_from {
        match issuer_of(path) {
            Ok(pkcs8) => config.issuer_pkcs8 = Some(pkcs8),
            Err(e) => {
                eprintln!("latchkey cloud: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let server = match CloudServer::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("latchkey cloud: {e}");
            return ExitCode::FAILURE;
        }
    };
    let ca = args.data_dir.join("ca.pem");
    let token = args.data_dir.join("admin-token");
    if let Err(e) = write(&ca, server.ca_pem()).and_then(|()| write(&token, server.admin_token())) {
        eprintln!("latchkey cloud: can't write into {}: {e}", args.data_dir.display());
        return ExitCode::FAILURE;
    }
    let issuer = latchkey_protocol::hex::encode(&server.issuer_key().0);
    if args.json {
        let details = serde_json::json!({
            "base_url": server.base_url(),
            "ca_pem": ca,
            "admin_token": token,
            "issuer_key": issuer,
        });
        println!("{details}");
    } else {
        println!("latchkey reference cloud at {}", server.base_url());
        println!("  trust this CA:  {}", ca.display());
        println!(
            "  admin token:    {} (Authorization: Bearer …, for /admin/…)",
            token.display()
        );
        println!("  issuer key:     {issuer}");
        println!("Ctrl-C stops it.");
    }
    match server.run_until_signal().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("latchkey cloud: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes a file readable by its owner only (the admin token is a secret).
fn write(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// The issuer's PKCS#8 from a peripheral's commissioning file.
fn issuer_of(path: &Path) -> Result<Vec<u8>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let record: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    record
        .get("issuer_pkcs8")
        .and_then(serde_json::Value::as_str)
        .and_then(latchkey_protocol::hex::decode)
        .ok_or_else(|| format!("{}: no hex `issuer_pkcs8` field", path.display()))
}
