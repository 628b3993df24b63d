//! [`Sending`]: the future a `send_*` call returns. It starts the request when first
//! polled, and only then builds the request's state machine (retries, token refresh,
//! decoding the answer into its type).
//!
//! Why not return that state machine directly: a generated crate's `send()` is an
//! ordinary function, so whatever it builds is compiled into the generated crate for every
//! operation, used or not. A state machine that decodes the answer instantiates the
//! answer type's whole `Deserialize` tree for `serde_json` there: on Palette that was most
//! of the machine code of the crate's debug build. [`Sending`] only holds the client and
//! the request; its `poll` is generic, so the decoding is compiled in the crate that
//! awaits it, for the operations it calls. The price is one allocation per call, for the
//! boxed state machine.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::client::ClientCore;
use crate::request::Request;
use crate::time::BoxFuture;

/// What a call answers and how it is decoded: one of the types in [`kind`].
pub trait AnswerKind: 'static {
    /// The future's output.
    type Output;

    /// Sends `req` with `core` and decodes the answer.
    fn start(core: ClientCore, req: Request) -> BoxFuture<'static, Self::Output>;
}

/// A request that is sent when first polled, resolving to the answer of kind `K`. It
/// owns a clone of the client, so it may outlive the client it came from and be spawned.
#[must_use = "a request is sent only when its future is awaited or polled"]
pub struct Sending<K: AnswerKind> {
    state: State<K::Output>,
    kind: PhantomData<fn() -> K>,
}

#[allow(
    clippy::large_enum_variant,
    reason = "built once per call and moved into the caller's future; boxing the request would add an allocation"
)]
enum State<O> {
    NotStarted(ClientCore, Request),
    Running(BoxFuture<'static, O>),
    Done,
}

impl<K: AnswerKind> Sending<K> {
    pub(crate) fn new(core: ClientCore, req: Request) -> Self {
        Self {
            state: State::NotStarted(core, req),
            kind: PhantomData,
        }
    }
}

impl<K: AnswerKind> Future for Sending<K> {
    type Output = K::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<K::Output> {
        let this = self.get_mut();
        if let State::NotStarted(..) = this.state {
            let State::NotStarted(core, req) = std::mem::replace(&mut this.state, State::Done)
            else {
                unreachable!("matched above")
            };
            this.state = State::Running(K::start(core, req));
        }
        match &mut this.state {
            State::Running(running) => {
                let output = std::task::ready!(running.as_mut().poll(cx));
                this.state = State::Done;
                Poll::Ready(output)
            }
            State::NotStarted(..) | State::Done => panic!("`Sending` polled after completion"),
        }
    }
}

impl<K: AnswerKind> std::fmt::Debug for Sending<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.state {
            State::NotStarted(_, req) => format!("not started: {} {}", req.method(), req.path()),
            State::Running(_) => "running".to_owned(),
            State::Done => "done".to_owned(),
        };
        f.debug_struct("Sending").field("state", &state).finish()
    }
}

/// The kinds of answer, one per `ClientCore::send_*` method: marker types naming the
/// decoded type `T` and the error body type `E`.
pub mod kind {
    use std::marker::PhantomData;

    use serde::de::DeserializeOwned;

    use super::AnswerKind;
    use crate::body::ByteStream;
    use crate::by_status::FromStatus;
    use crate::client::ClientCore;
    use crate::error::Error;
    use crate::request::Request;
    use crate::response::Response;
    use crate::time::BoxFuture;

    /// Declares a marker type and its [`AnswerKind`] impl.
    macro_rules! kinds {
        ($(
            $(#[$doc:meta])*
            $name:ident<$($param:ident: $bound:path),*> => $output:ty, $send:ident;
        )*) => {$(
            $(#[$doc])*
            pub struct $name<$($param),*>(PhantomData<fn() -> ($($param,)*)>);

            impl<$($param),*> std::fmt::Debug for $name<$($param),*> {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(stringify!($name))
                }
            }

            impl<$($param: $bound + Send + 'static),*> AnswerKind for $name<$($param),*> {
                type Output = Result<Response<$output>, Error<E>>;

                fn start(core: ClientCore, req: Request) -> BoxFuture<'static, Self::Output> {
                    Box::pin(async move { core.$send::<$($param),*>(req).await })
                }
            }
        )*};
    }

    kinds! {
        /// A 2xx JSON body decoded as `T` ([`ClientCore::send_json`]).
        Json<T: DeserializeOwned, E: DeserializeOwned> => T, run_json;
        /// A 2xx JSON body as `Some(T)`, or `None` for an empty one
        /// ([`ClientCore::send_json_or_empty`]).
        JsonOrEmpty<T: DeserializeOwned, E: DeserializeOwned> => Option<T>, run_json_or_empty;
        /// A 2xx answer decoded by its status ([`ClientCore::send_by_status`]).
        ByStatus<T: FromStatus, E: DeserializeOwned> => T, run_by_status;
        /// Any 2xx, body ignored ([`ClientCore::send_empty`]).
        Empty<E: DeserializeOwned> => (), run_empty;
        /// A 2xx body as bytes ([`ClientCore::send_bytes`]).
        Bytes<E: DeserializeOwned> => bytes::Bytes, run_bytes;
        /// A 2xx body as UTF-8 text ([`ClientCore::send_text`]).
        Text<E: DeserializeOwned> => String, run_text;
        /// A 2xx body as a stream of chunks ([`ClientCore::send_stream`]).
        Stream<E: DeserializeOwned> => ByteStream<E>, run_stream;
    }
}
