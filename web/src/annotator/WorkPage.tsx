import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { api, ApiError, errorMessage, request } from "../api";
import { useAuth } from "../auth";
import { DiffView } from "../review/DiffView";
import { diff, type Change } from "../review/diff";
import { ReviewBar } from "../review/ReviewBar";
import type { Assignment, SubmitResult, TrainingFeedbackData } from "../types";
import { useShortcuts, type Shortcut } from "../ui/shortcuts";
import { TextPrompt } from "./Dialog";
import { clearDraft, loadDraft, pruneDrafts, saveDraft, type DraftKey } from "./draft";
import { InstructionsPanel } from "./InstructionsPanel";
import { workspaceFor } from "./registry";
import { idempotency, postWithRetry } from "./retry";
import { ShortcutsHelp } from "./ShortcutsHelp";
import { TrainingFeedback } from "./TrainingFeedback";
import { useActiveTime } from "./useActiveTime";
import { useHistory } from "./useHistory";
import "./annotator.css";

// The work page: the shell around a task type's workspace. It owns the lease (lease, heartbeat,
// release on leave), the local draft, undo/redo, the time spent and submitting; a workspace
// only edits a value (contract.ts). For review assignments it adds the review actions.

type Phase =
  | { kind: "leasing" }
  | { kind: "empty" }
  | { kind: "error"; message: string }
  | { kind: "paused"; message: string }
  | { kind: "working" };
type Busy = null | "submit" | "review" | "skip" | "release";

interface Held {
  id: number;
  token: string;
}

// How often to heartbeat: a third of the lease, measured on the server's own clock
// (expires - leased_at), so a skewed browser clock does not matter.
function heartbeatEvery(a: Assignment): number {
  const expires = a.lease_expires_at ? Date.parse(a.lease_expires_at) : NaN;
  const leased = a.leased_at ? Date.parse(a.leased_at) : NaN;
  let lease = expires - leased;
  if (!Number.isFinite(lease) || lease <= 0) lease = Number.isFinite(expires) ? expires - Date.now() : 600_000;
  return Math.min(Math.max(lease / 3, 1000), 300_000);
}

function releaseLease(h: Held, keepalive: boolean): Promise<unknown> {
  return request("POST", `/api/v1/assignments/${h.id}/release`, { body: { lease_token: h.token }, keepalive });
}

function ActiveClock({ get }: { get(): number }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((x) => x + 1), 1000);
    return () => clearInterval(t);
  }, []);
  const s = Math.floor(get() / 1000);
  return (
    <span className="work-clock" title="Active time on this assignment (paused while the tab is hidden)">
      {Math.floor(s / 60)}:{String(s % 60).padStart(2, "0")}
    </span>
  );
}

export function WorkPage() {
  const { project = "" } = useParams();
  const [search] = useSearchParams();
  const stage = search.get("stage") || undefined;
  const { me } = useAuth();
  const navigate = useNavigate();

  const [phase, setPhase] = useState<Phase>({ kind: "leasing" });
  const [assignment, setAssignment] = useState<Assignment | null>(null);
  const history = useHistory<unknown>();
  const [fixing, setFixing] = useState(false);
  const [expired, setExpired] = useState<string | null>(null);
  const [lost, setLost] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [retrying, setRetrying] = useState(false);
  const [offlineBeat, setOfflineBeat] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [draftState, setDraftState] = useState<"none" | "restored" | "saved">("none");
  const [helpOpen, setHelpOpen] = useState(false);
  const [skipOpen, setSkipOpen] = useState(false);
  const [showInstructions, setShowInstructions] = useState(true);
  const [wsShortcuts, setWsShortcuts] = useState<Shortcut[]>([]);
  const [reviewShortcuts, setReviewShortcuts] = useState<Shortcut[]>([]);
  // A submitted training task's feedback, shown before the next lease.
  const [feedback, setFeedback] = useState<TrainingFeedbackData | null>(null);

  const held = useRef<Held | null>(null);
  const leaseSeq = useRef(0);
  const idem = useRef(idempotency());
  const draftArmed = useRef(false);
  // Between a submit and the next lease the old task is still on screen: edits then would
  // only write a draft for work that is already done.
  const between = useRef(false);
  // Keyed by task and stage: a lease that expired and came back keeps counting.
  const activeTime = useActiveTime(assignment ? `${assignment.task.task_id}:${assignment.stage}` : null);

  const entry = assignment ? workspaceFor(assignment.task.type) : null;
  const isReview = assignment?.kind === "review";
  const editable = !!assignment && (!isReview || fixing);
  const draftKey: DraftKey | null = useMemo(
    () =>
      assignment && me
        ? { user: me.user.username, project: assignment.project, stage: assignment.stage, taskId: assignment.task.task_id }
        : null,
    [assignment, me],
  );
  // The labeler's response as the reviewer found it, as a workspace value.
  const original = useMemo(
    () => (assignment?.kind === "review" && entry ? entry.fromResponse(assignment.task, assignment.review?.response) : null),
    [assignment, entry],
  );

  // --- Leasing ---------------------------------------------------------------------------
  const begin = useCallback(
    (a: Assignment) => {
      const e = workspaceFor(a.task.type);
      held.current = a.lease_token ? { id: a.id, token: a.lease_token } : null;
      idem.current = idempotency();
      draftArmed.current = false;
      between.current = false;
      const key = me ? { user: me.user.username, project: a.project, stage: a.stage, taskId: a.task.task_id } : null;
      const draft = key ? loadDraft(key) : null;
      let initial: unknown = null;
      if (draft) initial = draft.value;
      else if (a.kind === "review" && a.review && e) initial = e.fromResponse(a.task, a.review.response);
      else if (a.feedback && e) initial = e.fromResponse(a.task, a.feedback.response);
      history.reset(initial);
      setFixing(a.kind === "review" && !!draft?.fixing);
      setDraftState(draft ? "restored" : "none");
      setWsShortcuts([]);
      setAssignment(a);
      setExpired(null);
      setLost(null);
      setError(null);
      setOfflineBeat(false);
      setPhase({ kind: "working" });
    },
    [me, history.reset],
  );

  const lease = useCallback(async () => {
    const seq = ++leaseSeq.current;
    setPhase({ kind: "leasing" });
    setError(null);
    try {
      const res = await api.post<{ assignment: Assignment | null }>("/api/v1/queue/lease", stage ? { project, stage } : { project });
      if (seq !== leaseSeq.current) {
        // The page moved on (left, or leased again) while this was in flight: give it back.
        if (res.assignment?.lease_token) void releaseLease({ id: res.assignment.id, token: res.assignment.lease_token }, true).catch(() => {});
        return;
      }
      if (!res.assignment) {
        setAssignment(null);
        setPhase({ kind: "empty" });
        return;
      }
      begin(res.assignment);
    } catch (err) {
      if (seq !== leaseSeq.current) return;
      if (err instanceof ApiError && err.code === "annotator_paused") setPhase({ kind: "paused", message: err.message });
      else setPhase({ kind: "error", message: errorMessage(err) });
    }
  }, [project, stage, begin]);

  const releaseHeld = useCallback((keepalive: boolean) => {
    const h = held.current;
    held.current = null;
    if (h) void releaseLease(h, keepalive).catch(() => {});
  }, []);

  useEffect(() => {
    pruneDrafts();
    void lease();
    return () => {
      leaseSeq.current++;
      releaseHeld(true);
    };
  }, [lease, releaseHeld]);

  // Leaving the page (closing the tab, reloading, following a link out): give the lease back
  // with a keepalive request, which outlives the page. A page restored from the back/forward
  // cache leases again.
  useEffect(() => {
    const onHide = () => releaseHeld(true);
    const onShow = (e: PageTransitionEvent) => {
      if (e.persisted) void lease();
    };
    window.addEventListener("pagehide", onHide);
    window.addEventListener("beforeunload", onHide);
    window.addEventListener("pageshow", onShow);
    return () => {
      window.removeEventListener("pagehide", onHide);
      window.removeEventListener("beforeunload", onHide);
      window.removeEventListener("pageshow", onShow);
    };
  }, [lease, releaseHeld]);

  // Nothing waiting: look again now and then.
  useEffect(() => {
    if (phase.kind !== "empty") return;
    const t = setInterval(() => void lease(), 20_000);
    return () => clearInterval(t);
  }, [phase.kind, lease]);

  const onExpired = useCallback((message: string) => {
    held.current = null; // nothing to release: the lease is gone
    setOfflineBeat(false);
    setExpired(message);
  }, []);
  const onLost = useCallback((message: string) => {
    held.current = null;
    setLost(message);
  }, []);

  // --- Heartbeat ---------------------------------------------------------------------------
  useEffect(() => {
    if (!assignment?.lease_token || expired || lost) return;
    const { id, lease_token: token } = assignment;
    const every = heartbeatEvery(assignment);
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const beat = async () => {
      if (held.current?.id !== id) return; // submitted, skipped or released meanwhile
      try {
        await api.post(`/api/v1/assignments/${id}/heartbeat`, { lease_token: token });
        if (!stopped) setOfflineBeat(false);
      } catch (err) {
        if (stopped) return;
        if (err instanceof ApiError && err.code === "lease_expired") return onExpired(err.message);
        if (err instanceof ApiError && (err.status === 409 || err.status === 404)) return onLost(err.message);
        if (err instanceof ApiError && err.status === 0) setOfflineBeat(true);
        // Anything else: try again at the next beat.
      }
      if (!stopped) timer = setTimeout(beat, every);
    };
    timer = setTimeout(beat, every);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [assignment, expired, lost, onExpired, onLost]);

  // --- Draft -------------------------------------------------------------------------------
  const onChange = useCallback(
    (v: unknown) => {
      if (!editable || between.current) return;
      draftArmed.current = true;
      setError(null); // the complaint was about the value before this edit
      history.set(v);
    },
    [editable, history.set],
  );
  useEffect(() => {
    if (!draftKey || !draftArmed.current || between.current) return;
    if (isReview && !fixing) return;
    if (saveDraft(draftKey, history.value, fixing || undefined)) setDraftState("saved");
  }, [history.value, fixing, draftKey, isReview]);

  // --- Actions -----------------------------------------------------------------------------
  const failed = useCallback(
    (err: unknown) => {
      setRetrying(false);
      if (err instanceof ApiError && err.code === "lease_expired") onExpired(err.message);
      else if (err instanceof ApiError && err.status === 409) onLost(err.message);
      else if (err instanceof ApiError && err.status === 0)
        setError("Offline: the server cannot be reached. Your work is kept on this device; submit again when you are back online.");
      else setError(errorMessage(err));
    },
    [onExpired, onLost],
  );

  // The assignment is done with: nothing to release, retry or keep as a draft.
  const settle = useCallback(() => {
    idem.current.done();
    held.current = null;
    between.current = true;
    if (draftKey) clearDraft(draftKey);
    setRetrying(false);
  }, [draftKey]);

  const finished = useCallback(
    async (message: string) => {
      settle();
      setNotice(message);
      await lease();
    },
    [settle, lease],
  );

  const continueAfterFeedback = useCallback(() => {
    setFeedback(null);
    void lease();
  }, [lease]);

  const guard = (): Held | null => {
    if (!assignment || busy) return null;
    if (expired || lost) {
      setError("This assignment's lease is gone: continue to lease again (your draft is kept).");
      return null;
    }
    return assignment.lease_token ? { id: assignment.id, token: assignment.lease_token } : null;
  };

  async function submit() {
    const h = guard();
    if (!h || !assignment || !entry || isReview) return;
    const f = entry.finalize(assignment.task, history.value);
    if ("error" in f) {
      setError(f.error);
      return;
    }
    const key = idem.current.keyFor({ id: h.id, token: h.token, response: f.response });
    setBusy("submit");
    setError(null);
    try {
      const res = await postWithRetry<SubmitResult | null>(
        `/api/v1/assignments/${h.id}/submit`,
        { lease_token: h.token, response: f.response, time_spent_ms: activeTime() },
        key,
        () => setRetrying(true),
      );
      if (res?.feedback) {
        // A training task: what it taught comes first; Continue leases the next one.
        settle();
        setFeedback(res.feedback);
      } else await finished("Submitted.");
    } catch (err) {
      failed(err);
    } finally {
      setBusy(null);
    }
  }

  async function review(action: "accept" | "fix" | "reject", comment?: string) {
      const h = guard();
      if (!h || !assignment || !entry) return;
      const body: Record<string, unknown> = { lease_token: h.token, action };
      if (action === "fix") {
        const f = entry.finalize(assignment.task, history.value);
        if ("error" in f) {
          setError(f.error);
          return;
        }
        body.response = f.response;
      }
      if (comment) body.comment = comment;
      const key = idem.current.keyFor({ id: h.id, token: h.token, ...body });
      body.time_spent_ms = activeTime();
      setBusy("review");
      setError(null);
      try {
        await postWithRetry(`/api/v1/assignments/${h.id}/review`, body, key, () => setRetrying(true));
        await finished(action === "accept" ? "Accepted." : action === "fix" ? "Fixed and accepted." : "Rejected: sent back to the labeler.");
      } catch (err) {
        failed(err);
      } finally {
        setBusy(null);
      }
  }

  async function skip(reason: string) {
    const h = guard();
    if (!h) return;
    setBusy("skip");
    try {
      await api.post(`/api/v1/assignments/${h.id}/skip`, { lease_token: h.token, reason });
      setSkipOpen(false);
      await finished("Skipped.");
    } catch (err) {
      setSkipOpen(false);
      failed(err);
    } finally {
      setBusy(null);
    }
  }

  async function release() {
    const h = held.current;
    setBusy("release");
    try {
      if (h) await releaseLease(h, false);
      held.current = null;
      navigate("/queue");
    } catch (err) {
      failed(err);
    } finally {
      setBusy(null);
    }
  }

  const startFix = useCallback(() => {
    if (!assignment || expired || lost) return;
    draftArmed.current = true;
    history.reset(original);
    setFixing(true);
  }, [assignment, expired, lost, original, history.reset]);
  const cancelFix = useCallback(() => {
    history.reset(original);
    setFixing(false);
    if (draftKey) clearDraft(draftKey);
    setDraftState("none");
  }, [original, draftKey, history.reset]);
  // Stable callbacks for the review bar (its keys are registered once, not every render).
  const latest = useRef({ review });
  latest.current = { review };
  const accept = useCallback(() => void latest.current.review("accept"), []);

  // Fixing: what the reviewer changed so far, as the server will store it.
  const liveDiff: { changes: Change[] } | { error: string } | null = useMemo(() => {
    if (!assignment || !isReview || !fixing || !entry) return null;
    const f = entry.finalize(assignment.task, history.value);
    if ("error" in f) return { error: f.error };
    return { changes: diff(assignment.review?.response ?? null, f.response) };
  }, [assignment, isReview, fixing, entry, history.value]);

  // --- Keys --------------------------------------------------------------------------------
  const primary = () => void (isReview ? fixing && review("fix") : submit());
  const dialogOpen = helpOpen || skipOpen;
  const shellShortcuts: Shortcut[] = [
    ...(editable
      ? [
          { key: "Enter", ctrl: true, inInputs: true, label: isReview ? "Submit the fix" : "Submit", run: primary },
          {
            key: "Enter",
            label: isReview ? "Submit the fix" : "Submit",
            run: (e: KeyboardEvent) => {
              // Enter on a focused control of the page (Skip, Release, a link) keeps its meaning.
              const t = e.target as HTMLElement | null;
              const control = t?.closest<HTMLElement>("button, a[href], summary");
              if (control && !control.closest(".ws")) control.click();
              else primary();
            },
          },
          { key: "z", ctrl: true, inInputs: true, label: "Undo", run: history.undo },
          { key: "z", ctrl: true, shift: true, inInputs: true, label: "Redo", run: history.redo },
          { key: "y", ctrl: true, inInputs: true, label: "Redo", run: history.redo },
        ]
      : []),
    { key: "i", label: "Show or hide the instructions", run: () => setShowInstructions((x) => !x) },
    { key: "s", shift: true, label: "Skip (asks for a reason)", run: () => assignment && !expired && !lost && setSkipOpen(true) },
  ];
  useShortcuts(shellShortcuts, phase.kind === "working" && !dialogOpen && !feedback);
  // "?" is Shift+/ on most layouts and something else on others: match the character only.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const t = e.target as HTMLElement | null;
      if (e.key !== "?" || e.ctrlKey || e.metaKey || e.altKey) return;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
      e.preventDefault();
      setHelpOpen((x) => !x);
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(null), 4000);
    return () => clearTimeout(t);
  }, [notice]);

  // --- Render ------------------------------------------------------------------------------
  const title = (
    <div className="work-title">
      <Link to="/queue">Queue</Link> / <strong>{project}</strong>
      {(assignment?.stage ?? stage) && <span className="muted"> · {assignment?.stage ?? stage}</span>}
    </div>
  );

  if (phase.kind === "leasing" && !assignment) {
    return (
      <div className="page work">
        {title}
        <p className="loading">Getting the next task…</p>
      </div>
    );
  }
  if (feedback) {
    return (
      <div className="page work">
        {title}
        <TrainingFeedback feedback={feedback} busy={phase.kind === "leasing"} onContinue={continueAfterFeedback} />
      </div>
    );
  }
  if (phase.kind === "paused") {
    return (
      <div className="page work">
        {title}
        <div className="banner bad work-paused" role="alert" data-testid="paused">
          <strong>You are paused in this project.</strong> {phase.message}
        </div>
        <div className="row">
          <Link to="/progress">My progress</Link>
          <Link to="/queue">Back to the queue</Link>
        </div>
      </div>
    );
  }
  if (phase.kind === "empty") {
    return (
      <div className="page work">
        {title}
        {notice && <div className="banner ok" role="status">{notice}</div>}
        <div className="card work-empty" data-testid="nothing-waiting">
          <h2>Nothing waiting</h2>
          <p className="muted">There is no task for you here right now. This page checks again every 20 seconds.</p>
          <div className="row">
            <button type="button" className="primary" onClick={() => void lease()}>
              Check again
            </button>
            <Link to="/queue">Back to the queue</Link>
          </div>
        </div>
      </div>
    );
  }
  if (phase.kind === "error" || !assignment || !entry) {
    const message =
      phase.kind === "error" ? phase.message : assignment ? `This app has no workspace for tasks of type “${assignment.task.type}”.` : "";
    return (
      <div className="page work">
        {title}
        <div className="banner bad" role="alert">
          {message}
        </div>
        <div className="row">
          <button type="button" onClick={() => void lease()}>
            Try again
          </button>
          {assignment && !entry && (
            <button type="button" onClick={() => void release()}>
              Release it
            </button>
          )}
          <Link to="/queue">Back to the queue</Link>
        </div>
      </div>
    );
  }

  const Workspace = entry.component;
  const value = isReview && !fixing ? original : history.value;
  const leasing = phase.kind === "leasing";

  return (
    <div className="work" data-testid="work-page" data-assignment={assignment.id} data-task={assignment.task.task_id}>
      <div className="work-bar">
        {title}
        <span className="muted work-task" title="Task id">
          {assignment.task.task_id}
        </span>
        {assignment.training && (
          <span className="work-training" data-testid="training-badge" title="A training task: you see how you did right after submitting">
            Training
          </span>
        )}
        <ActiveClock get={activeTime} />
        {draftState !== "none" && (
          <span className="muted work-draft" data-testid="draft-state">
            {draftState === "restored" ? "Draft restored" : "Draft saved"}
          </span>
        )}
        <span className="spacer" />
        {editable && (
          <>
            <button type="button" onClick={history.undo} disabled={!history.canUndo} title="Undo (Ctrl+Z)">
              Undo
            </button>
            <button type="button" onClick={history.redo} disabled={!history.canRedo} title="Redo (Ctrl+Shift+Z)">
              Redo
            </button>
          </>
        )}
        <button type="button" onClick={() => setShowInstructions((x) => !x)} aria-pressed={showInstructions}>
          Instructions <kbd>I</kbd>
        </button>
        <button type="button" onClick={() => setHelpOpen(true)}>
          Shortcuts <kbd>?</kbd>
        </button>
        <button type="button" onClick={() => setSkipOpen(true)} disabled={!!busy || !!expired || !!lost}>
          Skip <kbd>Shift+S</kbd>
        </button>
        <button type="button" onClick={() => void release()} disabled={!!busy}>
          Release
        </button>
        {!isReview && (
          <button type="button" className="primary" onClick={() => void submit()} disabled={!!busy || leasing}>
            {busy === "submit" ? "Submitting…" : "Submit"} <kbd>Ctrl+Enter</kbd>
          </button>
        )}
      </div>

      <div className="work-banners">
        {expired && (
          <div className="banner warn work-expired" role="alert" data-testid="lease-expired">
            <strong>Your lease expired</strong> ({expired}). Your work is kept on this device.{" "}
            <button type="button" className="primary" onClick={() => void lease()} disabled={leasing}>
              Continue
            </button>{" "}
            <span className="muted">leases again; if the same task comes back, your draft is restored.</span>
          </div>
        )}
        {lost && (
          <div className="banner bad" role="alert" data-testid="assignment-lost">
            {lost}{" "}
            <button type="button" className="primary" onClick={() => void lease()} disabled={leasing}>
              Next task
            </button>
          </div>
        )}
        {retrying && (
          <div className="banner warn" role="status" data-testid="retrying">
            Offline, retrying… (your submission will be applied once)
          </div>
        )}
        {offlineBeat && !retrying && !expired && (
          <div className="banner warn" role="status">
            The server cannot be reached; your work is kept and the lease is renewed when it is back.
          </div>
        )}
        {error && (
          <div className="banner bad" role="alert" data-testid="work-error">
            {error}
          </div>
        )}
        {notice && (
          <div className="banner ok" role="status">
            {notice}
          </div>
        )}
        {assignment.feedback && !isReview && (
          <div className="banner warn work-feedback" role="note" data-testid="feedback">
            <strong>Sent back by {assignment.feedback.reviewer ?? "a reviewer"}:</strong>{" "}
            <span className="work-feedback-comment">{assignment.feedback.comment ?? "(no comment)"}</span>
            <div className="muted">Your previous answer is loaded below: fix it and submit again.</div>
          </div>
        )}
      </div>

      <div className="work-body">
        <section className="work-main" aria-label="Workspace">
          {isReview && (
            <ReviewBar
              assignment={assignment}
              fixing={fixing}
              busy={!!busy || leasing}
              enabled={!expired && !lost && !dialogOpen}
              onAccept={accept}
              onFix={startFix}
              onCancelFix={cancelFix}
              onSubmitFix={() => void review("fix")}
              onReject={(comment) => void review("reject", comment)}
              registerShortcuts={setReviewShortcuts}
            />
          )}
          <div className={isReview && fixing ? "review-fixing" : undefined}>
            <Workspace
              key={`${assignment.id}:${assignment.lease_token ?? ""}`}
              task={assignment.task}
              value={value}
              onChange={onChange}
              readOnly={!editable}
              registerShortcuts={setWsShortcuts}
            />
          </div>
          {liveDiff &&
            ("error" in liveDiff ? (
              <div className="banner warn" data-testid="diff-view">
                The fixed response is not complete yet: {liveDiff.error}
              </div>
            ) : (
              <DiffView changes={liveDiff.changes} title="Your changes" />
            ))}
        </section>
        {showInstructions && <InstructionsPanel assignment={assignment} />}
      </div>

      <TextPrompt
        open={skipOpen}
        title="Skip this task"
        label="Why are you skipping it? (required)"
        submitLabel="Skip"
        busy={busy === "skip"}
        onClose={() => setSkipOpen(false)}
        onSubmit={(reason) => void skip(reason)}
      />
      <ShortcutsHelp
        open={helpOpen}
        onClose={() => setHelpOpen(false)}
        groups={[
          { title: "Work page", shortcuts: [...shellShortcuts, { key: "?", label: "Show this help", run: () => {} }] },
          { title: "Review", shortcuts: isReview ? reviewShortcuts : [] },
          { title: `This task (${assignment.task.type})`, shortcuts: wsShortcuts },
        ]}
      />
    </div>
  );
}
