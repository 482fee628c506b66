import type { ComponentType } from "react";
import type { TaskView } from "../types";
import type { Finalize, WorkspaceProps } from "./contract";
import { ImageWorkspace, finalize as finalizeImage } from "./image/ImageWorkspace";
import { CategorizationWorkspace, finalizeCategorization } from "./workspaces/Categorization";
import { ComparisonWorkspace, finalizeComparison } from "./workspaces/Comparison";
import { NerWorkspace, finalizeNer, nerFromResponse } from "./workspaces/Ner";
import { TextCollectionWorkspace, finalizeTextCollection, textCollectionFromResponse } from "./workspaces/TextCollection";

// Task type -> the workspace that edits its value, the function that turns that value into
// the response the server expects, and (where they differ) the way back from a stored
// response (a reviewer's view, work sent back) to a value.

export interface WorkspaceEntry {
  component: ComponentType<WorkspaceProps<any>>;
  finalize: Finalize<any>;
  fromResponse(task: TaskView, response: unknown): unknown;
}

const same = (_task: TaskView, response: unknown) => response ?? null;

export const registry: Record<string, WorkspaceEntry> = {
  categorization: { component: CategorizationWorkspace, finalize: finalizeCategorization, fromResponse: same },
  textcollection: { component: TextCollectionWorkspace, finalize: finalizeTextCollection, fromResponse: textCollectionFromResponse },
  namedentityrecognition: { component: NerWorkspace, finalize: finalizeNer, fromResponse: nerFromResponse },
  comparison: { component: ComparisonWorkspace, finalize: finalizeComparison, fromResponse: same },
  imageannotation: { component: ImageWorkspace, finalize: finalizeImage, fromResponse: same },
};

export function workspaceFor(type: string): WorkspaceEntry | null {
  return registry[type] ?? null;
}
