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

export interface QueueEntry extends QueueQuality {
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
  // A training task (gold tasks carry nothing that tells them apart).
  training?: boolean;
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
  quality?: QualitySettings;
}

// --- Quality (issue 4) -----------------------------------------------------------------------

// An accuracy estimate (a Beta posterior): low/high the 90% credible interval, n the evidence
// weight (may be fractional).
export interface Acc {
  mean: number;
  low: number;
  high: number;
  n: number;
}

export type QualityStatus = "active" | "qualifying" | "paused";

export interface QualitySettings {
  gold_rate: number;
  pass_score: number;
  pause_below: number;
  pause_min_gold: number;
  qualification_tasks: number;
  qualification_pass: number;
  weak_below: number;
  weak_min_evidence: number;
  training_every: number;
  hard_min_accuracy: number | null;
}

export interface Qualification {
  required: number;
  answered: number;
  correct: number;
  pass: number;
}

// The queue entry's quality fields (absent from a server without the quality engine).
export interface QueueQuality {
  quality_status?: QualityStatus;
  status_reason?: string | null;
  qualification?: Qualification | null;
}

// What a training task's submit answers besides the usual fields.
export interface TrainingFeedbackData {
  correct: boolean;
  score: number;
  expected_response: unknown;
  your_response: unknown;
  explanation: string | null;
  mistakes: string[];
}

export interface SubmitResult {
  feedback?: TrainingFeedbackData;
  [key: string]: unknown;
}

export interface ProgressSkill extends Acc {
  nuance: string;
  weak: boolean;
}

export interface ProjectProgress {
  project: string;
  type: string;
  status: QualityStatus;
  status_reason: string | null;
  qualification: Qualification | null;
  skills: ProgressSkill[];
  training: TrainingCounts;
}

export interface MyProgress {
  projects: ProjectProgress[];
}

export interface TrainingCounts {
  answered: number;
  correct: number;
  by_nuance: Record<string, { answered: number; correct: number }>;
}

export type QualitySource = "gold" | "review" | "agreement" | "training";

export interface AnnotatorQuality {
  annotator: string;
  status: QualityStatus;
  status_reason: string | null;
  judgments: number;
  skills: Record<string, Acc>;
  sources: Record<QualitySource, Acc | null>;
  weak: string[];
  training: TrainingCounts;
}

export interface QualityReport {
  project: string;
  type: string;
  settings: QualitySettings;
  target_confidence: number | null;
  nuances: string[];
  annotators: AnnotatorQuality[];
  agreement: { method: "krippendorff_alpha" | "mean_pairwise" | string; value: number | null; tasks: number; judgments: number };
  gold_history: { day: string; scored: number; correct: number; mean_score: number | null }[];
  below_target: {
    count: number;
    tasks: { task_id: string; confidence: number; judgments: number; completed_at: string | null }[];
  };
}

export interface AnnotatorStatusChange {
  annotator: string;
  status: QualityStatus;
  status_reason: string | null;
  changed_at: string;
}

export type GoldPurpose = "gold" | "training";

export interface GoldItem {
  id: string;
  purpose: GoldPurpose;
  project: string;
  type: string;
  params: Record<string, unknown>;
  instruction: string | null;
  expected_response: Record<string, unknown>;
  explanation: string | null;
  nuances: string[];
  active: boolean;
  created_at: string;
  stats: { answered: number; correct: number; mean_score: number | null };
}
