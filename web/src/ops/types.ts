// Wire types of the "Ops" and "Accounts" sections of docs/web-api.md that only the ops pages
// use. Fields the contract leaves open are optional: the pages show what is there.

import type { Counts, Role } from "../types";

export const TASK_TYPES = [
  "categorization",
  "imageannotation",
  "textcollection",
  "namedentityrecognition",
  "comparison",
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const TASK_STATUSES = ["pending", "completed", "canceled", "error"] as const;
export const BATCH_STATUSES = ["staging", "in_progress", "completed"] as const;
export const ROLES: Role[] = ["admin", "requester", "reviewer", "annotator"];

export interface ParamVersion {
  version: number;
  params: Record<string, unknown>;
  instruction?: string | null;
  created_at: string;
}

export interface Batch {
  name: string;
  project: string;
  status: string;
  created_at: string;
  finalized_at: string | null;
  completed_at: string | null;
  callback_succeeded: boolean | null;
  counts: Counts;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface TaskRow {
  task_id: string;
  project: string;
  batch: string | null;
  type: string;
  status: string;
  created_at: string;
  completed_at: string | null;
  tags: string[];
  review_status: string | null; // the requester's audit (Scale's customer_review_status)
  last_review?: string | null; // the review stage's latest action
}

export interface Judgment {
  id: number;
  annotator: string | null;
  stage?: string | null;
  source?: string | null;
  response: unknown;
  time_spent_ms: number | null;
  created_at?: string | null;
  superseded_at?: string | null;
  assignment_id?: number | null;
}

export interface Review {
  id: number;
  reviewer: string | null;
  action: "accept" | "fix" | "reject" | string;
  comment: string | null;
  original?: unknown;
  response?: unknown;
  diff?: unknown;
  labelers?: (string | null)[];
  time_spent_ms?: number | null;
  created_at?: string | null;
}

export interface AssignmentRow {
  id: number;
  stage?: string | null;
  kind?: string | null;
  status: string;
  annotator?: string | null;
  reserved_for?: string | null;
  leased_at?: string | null;
  lease_expires_at?: string | null;
  lease_count?: number | null;
  leased?: boolean;
  priority?: number | null;
  skips?: { annotator: string | null; reason: string | null; created_at: string | null }[];
  created_at?: string | null;
  completed_at?: string | null;
}

export interface CallbackAttempt {
  attempt?: number | null;
  url?: string | null;
  status_code: number | null;
  error: string | null;
  duration_ms: number | null;
  attempted_at?: string | null;
}

export interface Audit {
  audited_by?: string | null;
  audited_at?: string | null;
  audit_result?: string | null;
  audit_source?: string | null;
  comments?: string | null;
}

export interface TaskDetail {
  task: {
    task_id: string;
    type: string;
    status: string;
    project: string;
    batch?: string | null;
    created_at: string;
    updated_at?: string | null;
    completed_at?: string | null;
    instruction?: string | null;
    callback_url?: string | null;
    params: Record<string, unknown>;
    metadata?: Record<string, unknown>;
    tags?: string[];
    response?: unknown;
    unique_id?: string | null;
    priority?: number;
    customer_review_status?: string | null;
    review_status?: string | null;
  };
  judgments: Judgment[];
  reviews: Review[];
  assignments: AssignmentRow[];
  callback_attempts: CallbackAttempt[];
  audits: Audit[];
}

export interface Throughput {
  since?: string;
  until?: string;
  tasks_per_hour: { hour: string; completed: number }[];
  by_annotator: { annotator: string | null; judgments: number; mean_ms: number | null; median_ms: number | null }[];
  by_type: { type: string; judgments: number; mean_ms: number | null; median_ms: number | null }[];
}

export interface User {
  id: number;
  username: string;
  email: string | null;
  role: Role;
  is_active: boolean;
  created_at: string;
}

export interface ApiKey {
  id: number;
  name: string | null;
  environment: "live" | "test";
  prefix: string;
  user?: { id: number; username: string } | null;
  created_at: string;
  revoked_at: string | null;
}

export interface NewApiKey {
  id: number;
  name: string | null;
  environment: "live" | "test";
  prefix: string;
  key: string;
  created_at: string;
}
