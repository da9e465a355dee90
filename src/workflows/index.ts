// Entry point bundled into the worker's sandbox: re-export every workflow here.
export { sweepRetention } from './sweep-retention';
export { processUpload } from './process-upload';
export { sendEmail } from './send-email';
