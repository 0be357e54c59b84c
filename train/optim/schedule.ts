import type { ScheduleConfig } from './config.ts';

/** The learning rate for the update with 0-based index `step`. */
export function learningRate(baseLr: number, schedule: ScheduleConfig, step: number): number {
  switch (schedule.kind) {
    case 'constant':
      return baseLr;
    case 'step':
      return baseLr * schedule.gamma ** Math.floor(step / schedule.every);
    case 'cosine': {
      if (step < schedule.warmupSteps) return (baseLr * (step + 1)) / schedule.warmupSteps;
      const decaySteps = Math.max(1, schedule.totalSteps - schedule.warmupSteps);
      const progress = Math.min(1, (step - schedule.warmupSteps) / decaySteps);
      return schedule.minLr + (baseLr - schedule.minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
  }
}
