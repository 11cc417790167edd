import { css } from 'lit';

export const amountStyles = css`
  :host {
    display: inline;
    font-variant-numeric: tabular-nums;
    color: var(--settle-amount-color, inherit);
    font-weight: var(--settle-amount-font-weight, 600);
  }
`;
