//! Allocation count of the warm-cache hot path of `Auth::authorize` (its own test binary
//! because it installs a counting global allocator).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Duration;

use futures_util::FutureExt as _;
use sdk_auth::{
    Auth, AuthError, AuthOptions, BoxFuture, MintedToken, Minter, MinterInfo, SecretString,
};

struct Counting;

thread_local! {
    static COUNT: Cell<Option<u64>> = const { Cell::new(None) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = COUNT.try_with(|c| c.set(c.get().map(|n| n + 1)));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[derive(Debug)]
struct Instant;

impl Minter for Instant {
    fn info(&self) -> MinterInfo {
        MinterInfo {
            api: "mock",
            service: "default",
            key_id_prefix: String::new(),
        }
    }

    fn mint(&self) -> BoxFuture<'_, Result<MintedToken, AuthError>> {
        Box::pin(async {
            Ok(MintedToken::new(
                SecretString::from("eyJhbGciOiJIUzI1NiJ9.e30.c2ln"),
                Duration::from_secs(3600),
            ))
        })
    }
}

#[test]
fn authorize_on_a_warm_cache_does_not_allocate() {
    let auth = Auth::from_minter(Instant, AuthOptions::default());
    let client = reqwest::Client::new();
    let mut request = client
        .post("https://api.example/v1/things")
        .header("content-type", "application/json")
        .body("{}")
        .build()
        .unwrap();
    // Warm up: mint, and let the header map reach its size.
    for _ in 0..2 {
        auth.authorize(&mut request)
            .now_or_never()
            .unwrap()
            .unwrap();
    }
    const CALLS: u64 = 10_000;
    COUNT.with(|c| c.set(Some(0)));
    for _ in 0..CALLS {
        auth.authorize(&mut request)
            .now_or_never()
            .unwrap()
            .unwrap();
    }
    let allocations = COUNT.with(|c| c.replace(None)).unwrap();
    println!("authorize (warm cache): {allocations} allocations in {CALLS} calls");
    assert!(
        allocations <= CALLS,
        "at most one allocation per call, got {allocations}"
    );
    assert_eq!(allocations, 0);
}
