/**
 * Generated from openapi/notifications.yaml as the gateway routes it by openapi-typescript (npm run gen:web). Do not edit.
 */

export interface paths {
    "/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Notifications, newest first, of one customer (a customer's own by default) or of all */
        get: operations["listNotifications"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/notifications/{notificationId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                notificationId: components["parameters"]["NotificationId"];
            };
            cookie?: never;
        };
        /** One notification (a customer's own; someone else's is 404) */
        get: operations["getNotification"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Deliveries, the longest failing first (support, admin)
         * @description Every delivery matching the filters; those failing first, the one
         *     failing the longest at the top, then the others newest first.
         *     `status=failed` (or `failingForSeconds`) lists what still has to go
         *     out after failed attempts; each is retried without limit, and can be
         *     re-driven now with `POST /deliveries/{deliveryId}/redrive`.
         */
        get: operations["listDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/deliveries/{deliveryId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                deliveryId: components["parameters"]["DeliveryId"];
            };
            cookie?: never;
        };
        /** One delivery (support, admin) */
        get: operations["getDelivery"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/deliveries/{deliveryId}/redrive": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                deliveryId: components["parameters"]["DeliveryId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Attempt a delivery now instead of waiting for its next retry (support, admin)
         * @description Once the cause is fixed (the mail server is back), makes the next
         *     attempt at once and answers with its outcome (`sent`, or `failed`
         *     with the new `lastError` and `nextAttemptAt`; the retries go on).
         *     Safe to repeat, and safe while the retry job runs: a delivery that
         *     went out is never sent again (`already-sent`), and while an attempt
         *     is under way, by the job or another re-drive, no second one starts
         *     (202 `in-progress`; its outcome shows on the delivery). An
         *     `Idempotency-Key` is optional; a repeat with it gets the stored answer.
         */
        post: operations["redriveDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        CustomerId: string;
        /**
         * @description The caller's id for the event; one notification per event
         * @example checkout-123:order_confirmed
         */
        EventId: string;
        /**
         * @description An e-mail address. The pattern is what is accepted (the validation
         *     reads it from here); it takes every address the users service does.
         * @example ada@example.com
         */
        Email: string;
        /**
         * @description E.164
         * @example +441234567890
         */
        Phone: string;
        /** @enum {string} */
        Channel: "email" | "sms";
        /**
         * @description Every template greets the customer by `customerName` when given.
         *     `order_confirmed` needs `orderId` (string), `total` (integer, minor
         *     units) and `currency` (ISO 4217). `checkout_failed` needs `reason`
         *     (e.g. `OutOfStock`, `PaymentDeclined`) and `message` (what went wrong,
         *     kept for support; the customer is told the reason in plain words
         *     instead); `checkoutId` is shown when given. `order_shipped` needs
         *     `orderId`; shows `carrier`, `trackingNumber` and `note` when given.
         *     `order_delivered` needs `orderId`; shows `note` when given.
         *     `order_cancelled` needs `orderId`; shows `reason` and `note` when given.
         * @enum {string}
         */
        Template: "order_confirmed" | "checkout_failed" | "order_shipped" | "order_delivered" | "order_cancelled";
        /** @description Values the template shows; names are letters, digits and `_`. */
        TemplateData: {
            [key: string]: string | number;
        };
        /**
         * @description `pending` while an attempt is under way or not yet made; `failed`
         *     after a failed attempt: retried at `nextAttemptAt`, without limit,
         *     until it is `sent`.
         * @enum {string}
         */
        DeliveryStatus: "pending" | "sent" | "failed";
        SendNotificationRequest: {
            eventId: components["schemas"]["EventId"];
            customerId: components["schemas"]["CustomerId"];
            template: components["schemas"]["Template"];
            data: components["schemas"]["TemplateData"];
            email: components["schemas"]["Email"];
            /** @description When given, the notification also goes out by SMS */
            phone?: components["schemas"]["Phone"];
        };
        Delivery: {
            /** Format: uuid */
            id: string;
            channel: components["schemas"]["Channel"];
            /** @description The e-mail address or phone number */
            to: string;
            status: components["schemas"]["DeliveryStatus"];
            /** @description Delivery attempts so far, the one under way included */
            attempts: number;
            /** @description Why the last attempt failed */
            lastError?: string;
            /**
             * Format: date-time
             * @description When the last finished attempt ended
             */
            lastAttemptAt?: string;
            /**
             * Format: date-time
             * @description Until sent: when the next attempt is due (while one is under way,
             *     when it counts as abandoned and is made again)
             */
            nextAttemptAt?: string;
            /**
             * Format: date-time
             * @description Until sent: when its first failed attempt was made
             */
            failingSince?: string;
            /** Format: date-time */
            sentAt?: string;
        };
        /** @description A delivery with the notification it belongs to */
        DeliveryDetail: components["schemas"]["Delivery"] & {
            /** Format: uuid */
            notificationId: string;
            eventId: components["schemas"]["EventId"];
            customerId: components["schemas"]["CustomerId"];
            template: components["schemas"]["Template"];
            /** Format: date-time */
            createdAt: string;
        };
        DeliveryPage: {
            items: components["schemas"]["DeliveryDetail"][];
            total: number;
            limit: number;
            offset: number;
        };
        RedriveResult: {
            /**
             * @description `sent` or `failed`: the attempt made now; `already-sent`: it had
             *     gone out, nothing was sent; `in-progress`: an attempt was under
             *     way, none was started
             * @enum {string}
             */
            outcome: "sent" | "failed" | "already-sent" | "in-progress";
            delivery: components["schemas"]["DeliveryDetail"];
        };
        Notification: {
            /** Format: uuid */
            id: string;
            eventId: components["schemas"]["EventId"];
            customerId: components["schemas"]["CustomerId"];
            template: components["schemas"]["Template"];
            email: components["schemas"]["Email"];
            phone?: components["schemas"]["Phone"];
            subject: string;
            /** @description The e-mail's plain-text body as rendered */
            body: string;
            /** @description The SMS as rendered; present when a phone was given */
            smsText?: string;
            /** @description `sent` once every delivery is; `pending` while any is; otherwise `failed` */
            status: components["schemas"]["DeliveryStatus"];
            /** @description One per channel, e-mail first */
            deliveries: components["schemas"]["Delivery"][];
            /** Format: date-time */
            createdAt: string;
            /**
             * Format: date-time
             * @description When the last delivery went out
             */
            sentAt?: string;
        };
        NotificationPage: {
            items: components["schemas"]["Notification"][];
            total: number;
            limit: number;
            offset: number;
        };
        SmsMessage: {
            /**
             * Format: uuid
             * @description The provider's message id
             */
            id: string;
            to: components["schemas"]["Phone"];
            text: string;
            /** @description The sender's reference: the id of the notification it belongs to */
            reference: string;
            /** Format: date-time */
            receivedAt: string;
        };
        SmsMessagePage: {
            items: components["schemas"]["SmsMessage"][];
            total: number;
            limit: number;
            offset: number;
        };
        FieldError: {
            /** @example body.data.orderId */
            field: string;
            message: string;
        };
        /** @description RFC 9457 problem details */
        Problem: {
            /** @example invalid-template-data */
            type: string;
            title: string;
            status: number;
            detail?: string;
            instance?: string;
            errors?: components["schemas"]["FieldError"][];
        } & {
            [key: string]: unknown;
        };
        /** @description 1-255 printable ASCII characters, no spaces (as Stripe's keys). */
        IdempotencyKey: string;
    };
    responses: {
        /** @description No access token, or an invalid or expired one */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The caller's roles do not allow this */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request is malformed or a field is invalid; `errors` names each field. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No such resource */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The request conflicts with the current state: `notification-mismatch`
         *     (the event already has a notification with other content).
         */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request body is over the size limit */
        TooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description Well-formed but cannot be processed: `invalid-template-data` (`errors`
         *     names each missing or bad `body.data.<field>`), or
         *     `idempotency-key-reused` (the key was used for another request).
         */
        Unprocessable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `request-head-too-large`: the request line and headers are over 16 KB
         *     together (a URL too long, say), refused before the request is read.
         *     Every operation can answer it; each service adds it to every operation
         *     of the spec it serves.
         */
        RequestHeadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": {
                    /** @constant */
                    type: "request-head-too-large";
                    title: string;
                    /** @constant */
                    status: 431;
                    detail?: string;
                };
            };
        };
    };
    parameters: {
        NotificationId: string;
        DeliveryId: string;
        /** @description Items per page */
        Limit: number;
        /** @description Items to skip */
        Offset: number;
        /**
         * @description A key the client makes for one intended operation (a UUID, say).
         *     A repeat with the same key and request gets the stored response
         *     (`Idempotent-Replayed: true`); the same key with another request is
         *     refused with 422 `idempotency-key-reused`. Keys belong to their
         *     caller.
         */
        IdempotencyKey: components["schemas"]["IdempotencyKey"];
        /**
         * @description Optional: a key the client makes for one intended operation (a UUID,
         *     say). A repeat with the same key and request gets the stored response
         *     (`Idempotent-Replayed: true`); the same key with another request is
         *     refused with 422 `idempotency-key-reused`. Keys belong to their
         *     caller.
         */
        IdempotencyKeyOptional: components["schemas"]["IdempotencyKey"];
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listNotifications: {
        parameters: {
            query?: {
                /** @description Whose notifications; a customer may leave it out (their own) or give their own id. */
                customerId?: components["schemas"]["CustomerId"];
                /** @description Items per page */
                limit?: components["parameters"]["Limit"];
                /** @description Items to skip */
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of notifications */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getNotification: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                notificationId: components["parameters"]["NotificationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The notification */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Notification"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listDeliveries: {
        parameters: {
            query?: {
                /** @description Only deliveries in this state */
                status?: components["schemas"]["DeliveryStatus"];
                channel?: components["schemas"]["Channel"];
                customerId?: components["schemas"]["CustomerId"];
                /** @description Only deliveries not sent yet whose first failed attempt is at least this many seconds ago */
                failingForSeconds?: number;
                /** @description Items per page */
                limit?: components["parameters"]["Limit"];
                /** @description Items to skip */
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of deliveries */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                deliveryId: components["parameters"]["DeliveryId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The delivery */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryDetail"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    redriveDelivery: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Optional: a key the client makes for one intended operation (a UUID,
                 *     say). A repeat with the same key and request gets the stored response
                 *     (`Idempotent-Replayed: true`); the same key with another request is
                 *     refused with 422 `idempotency-key-reused`. Keys belong to their
                 *     caller.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKeyOptional"];
            };
            path: {
                deliveryId: components["parameters"]["DeliveryId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Attempted now (`sent` or `failed`), or already sent (`already-sent`, nothing done) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RedriveResult"];
                };
            };
            /** @description An attempt was already under way (`in-progress`); none was started */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RedriveResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
            /** @description `rate-limited` at the gateway: too many requests from this client; try again after `Retry-After` seconds */
            429: {
                headers: {
                    /** @description Seconds until the limit resets */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            431: components["responses"]["RequestHeadTooLarge"];
            /** @description `service-unavailable`: the service behind the gateway is not reachable; try again shortly */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `service-unavailable`: the service behind the gateway did not answer in time; try again shortly */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
