/** Counts of (gold, predicted) pairs and the per-label precision and recall they give. */
export interface LabelScore {
  label: string;
  /** Lines whose gold label is this one. */
  support: number;
  /** Correct among the lines predicted as this label; null when none were. */
  precision: number | null;
  /** Correct among the lines whose gold label is this; null when there are none. */
  recall: number | null;
}

export class Confusion {
  private readonly counts = new Map<string, Map<string, number>>();

  add(gold: string, predicted: string): void {
    const row = this.counts.get(gold) ?? new Map<string, number>();
    row.set(predicted, (row.get(predicted) ?? 0) + 1);
    this.counts.set(gold, row);
  }

  count(gold: string, predicted: string): number {
    return this.counts.get(gold)?.get(predicted) ?? 0;
  }

  scores(labels: readonly string[]): LabelScore[] {
    return labels.map((label) => {
      const support = [...(this.counts.get(label)?.values() ?? [])].reduce((a, b) => a + b, 0);
      const predicted = [...this.counts.values()].reduce((sum, row) => sum + (row.get(label) ?? 0), 0);
      const correct = this.count(label, label);
      return {
        label,
        support,
        precision: predicted === 0 ? null : correct / predicted,
        recall: support === 0 ? null : correct / support,
      };
    });
  }
}
