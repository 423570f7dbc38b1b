//! Allocation count of the warm path of `Auth::send`, the hook every generated call goes
//! through (its own test binary because it installs a counting global allocator).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Duration;

use futures_util::FutureExt as _;
use sdk_auth::bench::Canned;
use sdk_auth::{
    Auth, AuthError, AuthOptions, BoxFuture, MintedToken, Minter, MinterInfo, Operation,
    SecretString,
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

/// Allocations per warm call of `Auth::send`'s loop (through `send_via`, the same loop with a
/// stand-in transport), beyond what the stand-in's own answer costs. Each is accounted for:
/// the boxed loop (1), the `User-Agent` stamped on a request that has none (1, the header
/// map grows), and reqwest's copy of the request kept for a replay or retry
/// (`Request::try_clone`: 6 for this request, its URL, header map, body and extensions). A
/// change that adds one fails here and says how many.
#[test]
fn a_warm_send_allocates_only_the_loop_and_the_spare_copy() {
    let auth = Auth::from_minter(Instant, AuthOptions::default());
    let client = reqwest::Client::new();
    let template = client
        .post("https://api.example/v1/things")
        .header("content-type", "application/json")
        .body("{}")
        .build()
        .unwrap();
    let operation = Operation::new("create_thing", "POST", "/v1/things").idempotent(true);
    let answer = Canned(|| reqwest::Response::from(http::Response::new("{}")));
    let send = |request| {
        auth.send_via(&answer, request, &operation, None)
            .now_or_never()
            .unwrap()
            .unwrap()
    };
    // Warm up: mint, and let every lazily built structure settle.
    for _ in 0..2 {
        send(template.try_clone().unwrap());
    }
    const CALLS: u64 = 1_000;
    let (mut in_send, mut in_answers) = (0, 0);
    for _ in 0..CALLS {
        let request = template.try_clone().unwrap();
        COUNT.with(|c| c.set(Some(0)));
        drop(send(request));
        in_send += COUNT.with(|c| c.replace(Some(0))).unwrap();
        drop((answer.0)());
        in_answers += COUNT.with(|c| c.replace(None)).unwrap();
    }
    let per_call = (in_send - in_answers) / CALLS;
    println!("a warm send: {per_call} allocations per call besides the answer");
    assert!(
        per_call <= 8,
        "a warm send allocates {per_call} times per call (expected at most 8: the boxed loop, the User-Agent, and reqwest's copy of the request)"
    );
}

/// What every generated call holds across its `.await` on the auth layer: the loop's state is
/// boxed, so the future stays small however much the request weighs (it was 4.4 KB).
#[test]
fn the_send_future_is_under_a_kilobyte() {
    let auth = Auth::from_minter(Instant, AuthOptions::default());
    let client = reqwest::Client::new();
    let request = client.get("https://api.example/v1/things").build().unwrap();
    let operation = Operation::new("get_thing", "GET", "/v1/things");
    let future = auth.send(&client, request, &operation);
    let size = std::mem::size_of_val(&future);
    println!("the future of Auth::send: {size} bytes");
    assert!(size <= 1024, "{size} bytes");
}
