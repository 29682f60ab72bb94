import type { Checkout } from './api/client';
import { FAILURE_PROBLEM, progressOf, type Progress, type StepState } from './checkout-progress';
import { sentenceFor } from './problems';

const STATE_TEXT: Record<StepState, string> = {
  pending: 'not yet',
  active: 'in progress',
  done: 'done',
  failed: 'failed',
  undone: 'undone',
  waiting: 'waiting for the shop',
};

const STATE_ICON: Record<StepState, string> = { pending: '○', active: '◔', done: '✓', failed: '✕', undone: '↺', waiting: '…' };

export const NOT_STARTED: Progress = progressOf({ step: 'started', status: 'running' });

export function ProgressSteps({ progress, label = 'Checkout progress' }: { progress: Progress; label?: string }) {
  const current = progress.steps.find((step) => step.state === 'active' || step.state === 'waiting' || step.state === 'failed');
  return (
    <section className="progress" aria-label={label}>
      <ol className="steps">
        {progress.steps.map((step) => (
          <li key={step.id} className={`step step-${step.state}`} data-state={step.state}>
            <span className="step-icon" aria-hidden="true">
              {STATE_ICON[step.state]}
            </span>
            <span className="step-label">{step.label}</span>
            <span className="step-state">{STATE_TEXT[step.state]}</span>
          </li>
        ))}
      </ol>
      <p className="visually-hidden" role="status">
        {current ? `${current.label}: ${STATE_TEXT[current.state]}` : progress.outcome === 'completed' ? 'All steps done' : ''}
      </p>
    </section>
  );
}

/** A failed checkout's reason, worded as the gateway's answer to the submit would be. */
export function failureSentence(view: Checkout): string {
  const failure = view.failure;
  if (!failure) return 'The checkout stopped.';
  const type = FAILURE_PROBLEM[failure.type];
  if (type) return sentenceFor(409, { type, title: '', status: 409, detail: failure.message, failureType: failure.type });
  const money = progressOf(view).charged ? ' Anything charged has been refunded.' : ' Nothing was charged.';
  return `The checkout stopped: ${failure.message}.${money}`;
}
