//! Android only: the JNI entry point through which the app hands its
//! `Context` to the platform TLS verifier, so the cloud's certificate is
//! checked by Android's trust store (`TrustRoots::Platform`). Kotlin calls
//! it as `LatchkeyAndroid.init(context)` once, before building a client
//! whose configuration names a cloud without its own PEM roots.

use jni::objects::{JClass, JObject};
use jni::EnvUnowned;

/// `dev.latchkey.android.LatchkeyAndroid.initPlatformVerifier(Context)`.
#[no_mangle]
// Found by the JVM through its symbol name, not reachable from Rust.
#[allow(unreachable_pub)]
pub extern "system" fn Java_dev_latchkey_android_LatchkeyAndroid_initPlatformVerifier<'caller>(
    mut env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    context: JObject<'caller>,
) {
    let outcome = env.with_env(|env| -> Result<(), jni::errors::Error> {
        rustls_platform_verifier::android::init_with_env(env, context)
    });
    outcome.resolve::<jni::errors::ThrowRuntimeExAndDefault>()
}
