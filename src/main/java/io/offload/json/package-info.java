/**
 * JSON helpers shared by the options classes ({@code EngineOptions}, {@code UcxOptions},
 * {@code ServerOptions}, {@code ClientOptions}, {@code RankInfo}).
 *
 * <p>A leaf package: it imports nothing of this project, so every options package may use it
 * without an import cycle. Not meant for applications.
 */
package io.offload.json;
