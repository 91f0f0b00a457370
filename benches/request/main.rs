//! Request overhead: this crate's `Client` (auth, retry and tracing layers on, as built by
//! `Client::builder()`) against raw `reqwest` + `serde_json` with hand-written structs, on one
//! loopback hyper server returning a fixed `PartnerOut`.
//!
//! Rounds interleave the contenders (the order flips every round so drift on a shared machine
//! hits both alike). Each round measures latency at concurrency 1 and throughput at 1 and 64.
//! Output: `name=value` lines, parsed by `cargo xtask bench`; ratios are this client over raw,
//! the median of the per-round ratios. `--quick` runs fewer, shorter rounds.
//!
//! Run: `cargo bench --bench request [-- --quick]`. Never part of `cargo test`.

mod measure;
mod median;
mod partner;
mod raw;
mod server;

use measure::{Round, round};
use median::median;
use std::rc::Rc;

/// How long a run is: rounds per contender and requests per round.
struct Plan {
    rounds: usize,
    sequential_requests: usize,
    concurrent_requests: usize,
}

// Many short rounds rather than few long ones: the machine is shared, and the median of
// per-round ratios shrugs off the rounds another build disturbed.
const FULL: Plan = Plan {
    rounds: 31,
    sequential_requests: 3_000,
    concurrent_requests: 30_000,
};
const QUICK: Plan = Plan {
    rounds: 31,
    sequential_requests: 2_000,
    concurrent_requests: 20_000,
};
const CONCURRENCY: usize = 64;

#[derive(Clone, Copy, PartialEq)]
enum Contender {
    Client,
    Raw,
}

/// One contender's figures for one round.
struct Figures {
    p50_us: f64,
    p99_us: f64,
    throughput_c1: f64,
    throughput_c64: f64,
}

fn main() {
    // `cargo bench` passes `--bench`; only `--quick` matters here.
    let plan = if std::env::args().any(|a| a == "--quick") {
        QUICK
    } else {
        FULL
    };
    // The tracing layer "on" as a user has it: a global fmt subscriber at INFO. Output goes to a
    // sink so the terminal's speed is not measured; the client's request spans are DEBUG, so
    // what is measured is the cost of their disabled callsites, as in a typical deployment.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("info"))
        .with_writer(std::io::sink)
        .init();

    let address = server::start();
    let base_url = format!("http://{address}");
    // Both sides single-threaded on their own OS thread: on a 2-core machine the client side
    // gets a core, so its CPU cost is what limits throughput.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the client runtime");
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, run(&plan, &base_url));
}

async fn run(plan: &Plan, base_url: &str) {
    let client = Rc::new(
        d360_partner::Client::builder()
            .api_key(server::API_KEY)
            .base_url(base_url)
            .build()
            .expect("the client"),
    );
    let raw = Rc::new(raw::RawClient::new(base_url, server::API_KEY));
    let client_request = move || {
        let client = client.clone();
        async move {
            let partner = client
                .get_partner()
                .partner_id(server::PARTNER_ID)
                .send()
                .await
                .expect("the client's request");
            assert_eq!(partner.id.as_deref(), Some(server::PARTNER_ID));
        }
    };
    let raw_request = move || {
        let raw = raw.clone();
        async move {
            let partner = raw
                .get_partner(server::PARTNER_ID)
                .await
                .expect("the raw request");
            assert_eq!(partner.id.as_deref(), Some(server::PARTNER_ID));
        }
    };

    // Warm-up: open every pooled connection and fault in the code paths on both sides.
    round(
        CONCURRENCY,
        plan.concurrent_requests / 4,
        client_request.clone(),
    )
    .await;
    round(
        CONCURRENCY,
        plan.concurrent_requests / 4,
        raw_request.clone(),
    )
    .await;

    let mut client_rounds = Vec::new();
    let mut raw_rounds = Vec::new();
    for index in 0..plan.rounds {
        let order = if index % 2 == 0 {
            [Contender::Client, Contender::Raw]
        } else {
            [Contender::Raw, Contender::Client]
        };
        for contender in order {
            let figures = match contender {
                Contender::Client => one_round(plan, client_request.clone()).await,
                Contender::Raw => one_round(plan, raw_request.clone()).await,
            };
            match contender {
                Contender::Client => client_rounds.push(figures),
                Contender::Raw => raw_rounds.push(figures),
            }
        }
        eprintln!("round {}/{} done", index + 1, plan.rounds);
    }
    report(plan, &client_rounds, &raw_rounds);
}

/// Latency and throughput at concurrency 1, then throughput at concurrency 64.
async fn one_round<F, Fut>(plan: &Plan, request: F) -> Figures
where
    F: Fn() -> Fut + Clone + 'static,
    Fut: std::future::Future<Output = ()> + 'static,
{
    let sequential: Round = round(1, plan.sequential_requests, request.clone()).await;
    let concurrent = round(CONCURRENCY, plan.concurrent_requests, request).await;
    Figures {
        p50_us: sequential.percentile(0.50).as_secs_f64() * 1e6,
        p99_us: sequential.percentile(0.99).as_secs_f64() * 1e6,
        throughput_c1: sequential.throughput,
        throughput_c64: concurrent.throughput,
    }
}

/// Reads one figure of a round.
type Metric = fn(&Figures) -> f64;

fn report(plan: &Plan, client: &[Figures], raw: &[Figures]) {
    println!("request_rounds={}", plan.rounds);
    let metrics: [(&str, &str, Metric); 4] = [
        ("request_p50", "us", |f| f.p50_us),
        ("request_p99", "us", |f| f.p99_us),
        ("throughput_c1", "rps", |f| f.throughput_c1),
        ("throughput_c64", "rps", |f| f.throughput_c64),
    ];
    for (name, unit, value) in metrics {
        let of = |rounds: &[Figures]| rounds.iter().map(value).collect::<Vec<_>>();
        let (mine, theirs) = (of(client), of(raw));
        let ratios: Vec<f64> = mine.iter().zip(&theirs).map(|(m, t)| m / t).collect();
        println!("{name}_client_{unit}={:.1}", median(&mine));
        println!("{name}_raw_{unit}={:.1}", median(&theirs));
        println!("{name}_ratio={:.3}", median(&ratios));
    }
}
