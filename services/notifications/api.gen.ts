/**
 * Generated from openapi/notifications.yaml by openapi-typescript (npm run gen). Do not edit.
 */

export interface paths {
    "/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Notifications, newest first, optionally of one customer */
        get: operations["listNotifications"];
        put?: never;
        /**
         * Render a template and send it to a customer, once per event
         * @description Answers 201 with the notification as it stands after the first
         *     delivery attempt: `sent`, or `failed` with `lastError` (retried later).
         *     A repeat with the same key gets that same answer; one that arrives
         *     while the first attempt is under way gets it as `pending`. An `eventId`
         *     that already has a notification is answered with it (200) and
         *     nothing is sent; with other content it is refused (409
         *     `notification-mismatch`). Data a template needs is checked per
         *     template (422 `invalid-template-data`, `errors` naming `body.data.<field>`).
         */
        post: operations["sendNotification"];
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
        get: operations["getNotification"];
        put?: never;
        post?: never;
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
        /** @enum {string} */
        Channel: "email";
        /**
         * @description `order_confirmed` needs `orderId` (string), `total` (integer, minor
         *     units) and `currency` (ISO 4217). `checkout_failed` needs `reason`
         *     (e.g. `OutOfStock`, `PaymentDeclined`) and `message` (what went wrong,
         *     kept for support; the customer is told the reason in plain words
         *     instead); `checkoutId` is shown when given. Both greet the customer by
         *     `customerName` when given.
         * @enum {string}
         */
        Template: "order_confirmed" | "checkout_failed";
        /** @description Values the template shows; names are letters, digits and `_`. */
        TemplateData: {
            [key: string]: string | number;
        };
        /** @enum {string} */
        NotificationStatus: "pending" | "sent" | "failed";
        SendNotificationRequest: {
            eventId: components["schemas"]["EventId"];
            customerId: components["schemas"]["CustomerId"];
            channel: components["schemas"]["Channel"];
            /** Format: email */
            to: string;
            template: components["schemas"]["Template"];
            data: components["schemas"]["TemplateData"];
        };
        Notification: {
            /** Format: uuid */
            id: string;
            eventId: components["schemas"]["EventId"];
            customerId: components["schemas"]["CustomerId"];
            channel: components["schemas"]["Channel"];
            /** Format: email */
            to: string;
            template: components["schemas"]["Template"];
            subject: string;
            /** @description The plain-text body as rendered */
            body: string;
            status: components["schemas"]["NotificationStatus"];
            /** @description Delivery attempts so far */
            attempts: number;
            /** @description Why the last attempt failed */
            lastError?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            sentAt?: string;
        };
        NotificationPage: {
            items: components["schemas"]["Notification"][];
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
    };
    responses: {
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
    };
    parameters: {
        NotificationId: string;
        Limit: number;
        Offset: number;
        /** @description A unique key per intended operation; repeats return the stored response. */
        IdempotencyKey: string;
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
                customerId?: components["schemas"]["CustomerId"];
                limit?: components["parameters"]["Limit"];
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
        };
    };
    sendNotification: {
        parameters: {
            query?: never;
            header: {
                /** @description A unique key per intended operation; repeats return the stored response. */
                "Idempotency-Key": components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SendNotificationRequest"];
            };
        };
        responses: {
            /** @description The event already had this notification; nothing was sent */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Notification"];
                };
            };
            /** @description Created, and delivered once (or attempted) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Notification"];
                };
            };
            400: components["responses"]["BadRequest"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
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
            404: components["responses"]["NotFound"];
        };
    };
}
