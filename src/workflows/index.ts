// Entry point bundled into the worker's sandbox: re-export every workflow here.
export { sendEmail } from './send-email';
