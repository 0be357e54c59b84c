import type { GraphBuilder } from '../onnx/graph.ts';

/** A scalar the total loss sums; `value` is already weighted. */
export interface LossPart {
  name: string;
  value: string;
}

/** What a node's backward emission returns: one entry per input (undefined where not wanted) and per parameter. */
export interface NodeGradients {
  dInputs: (string | undefined)[];
  dParams: string[];
}

/**
 * One step of a program as emitted: the graph values it read and wrote, the parameters it used, the loss
 * parts it added, and how to emit its gradients. `dOutputs[i]` is d total / d outputs[i] summed over
 * every reader (undefined when no reader leads to the loss); `needInput[i]` says whether d total / d
 * inputs[i] is wanted. A node with loss parts adds their gradient (d total / d part = 1) itself: that is
 * how a penalty, a KL term or a reconstruction loss puts its gradient terms into the sweep.
 */
export interface ProgramNode {
  label: string;
  inputs: string[];
  outputs: string[];
  /** Graph values holding parameters, in the order `dParams` follows. */
  params: string[];
  losses?: LossPart[];
  backward(dOutputs: (string | undefined)[], needInput: boolean[]): NodeGradients;
}

/**
 * The tape of a network as it is emitted forward — layers, heads, losses and penalties alike — and its one
 * reverse sweep, in the manner of micrograd's engine: walking the tape backwards, each node's output
 * gradients are the sum of what its readers sent (fan-out), its input gradients flow on to whoever
 * produced those inputs, and parameter gradients are summed per parameter. No walk knows the network's shape.
 */
export class Program {
  private readonly nodes: ProgramNode[] = [];
  /** Values that depend on some parameter: only those need gradients. */
  private readonly trainable = new Set<string>();

  constructor(readonly g: GraphBuilder) {}

  /** Whether d loss / d `value` can be non-zero, i.e. whether `value` depends on a parameter. */
  needsGradient(value: string): boolean {
    return this.trainable.has(value);
  }

  add(node: ProgramNode): void {
    this.nodes.push(node);
    if (node.params.length || node.inputs.some((v) => this.trainable.has(v))) for (const v of node.outputs) this.trainable.add(v);
  }

  /** Every loss part in tape order. */
  get losses(): LossPart[] {
    return this.nodes.flatMap((n) => n.losses ?? []);
  }

  /** Emits the reverse sweep; returns d total / d parameter by parameter value. */
  gradients(): Map<string, string> {
    const { g } = this;
    const pending = new Map<string, string[]>();
    const push = (map: Map<string, string[]>, key: string, value: string) => map.set(key, [...(map.get(key) ?? []), value]);
    const total = (parts: string[] | undefined) => (parts === undefined ? undefined : parts.length === 1 ? parts[0] : g.op('Sum', parts));
    const paramParts = new Map<string, string[]>();
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const node = this.nodes[i];
      const dOutputs = node.outputs.map((v) => total(pending.get(v)));
      const reachesLoss = (node.losses?.length ?? 0) > 0 || dOutputs.some((d) => d !== undefined);
      const needInput = node.inputs.map((v) => this.trainable.has(v));
      if (!reachesLoss || (!node.params.length && !needInput.some(Boolean))) continue;
      const { dInputs, dParams } = node.backward(dOutputs, needInput);
      node.inputs.forEach((v, k) => {
        const d = dInputs[k];
        if (needInput[k] && d !== undefined) push(pending, v, d);
      });
      node.params.forEach((p, k) => push(paramParts, p, dParams[k]));
    }
    return new Map([...paramParts].map(([name, parts]) => [name, total(parts)!]));
  }
}
