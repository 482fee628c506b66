// Wire types of docs/web-api.md.

export type Role = "admin" | "requester" | "reviewer" | "annotator";

export interface Me {
  user: { id: number; username: string; email: string | null };
  organization: { id: number; name: string };
  role: Role;
  environment: "live" | "test";
  csrf_token: string;
  organizations: { id: number; name: string; role: Role }[];
}

export interface StageCount {
  stage: string;
  kind: "label" | "review";
  available: number;
  leased: number;
}

export interface QueueEntry {
  project: string;
  type: string;
  available: number;
  leased: number;
  stages: StageCount[];
}

export interface TaskView {
  task_id: string;
  type: string;
  params: Record<string, unknown>;
  instruction: string | null;
}

export interface Assignment {
  id: number;
  project: string;
  stage: string;
  kind: "label" | "review";
  status: string;
  lease_token?: string;
  leased_at: string | null;
  lease_expires_at: string | null;
  task: TaskView;
  instructions: { text: string | null; examples: unknown[] };
  review?: {
    response: unknown;
    judgments: { id: number; annotator: string | null; response: unknown; time_spent_ms: number | null }[];
  };
  feedback?: { comment: string | null; reviewer: string | null; response: unknown; created_at: string };
}

export interface Counts {
  pending: number;
  completed: number;
  canceled: number;
  error: number;
  total: number;
}

export interface Stage {
  name: string;
  kind: "label" | "review";
  judgments: number;
  // Adaptive redundancy (label stages of categorization projects): one more judgment at a
  // time while the answer's posterior is below target_confidence, up to max_judgments.
  max_judgments?: number;
  target_confidence?: number;
}

export interface Project {
  name: string;
  type: string;
  params: Record<string, unknown>;
  workflow: Stage[];
  archived: boolean;
  created_at: string;
  updated_at: string;
  counts: Counts;
}
